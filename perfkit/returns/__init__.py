"""The quarter before the build: what is due from whom, owners' return workbooks, and the
data check that chases what is missing, late or unusual."""
