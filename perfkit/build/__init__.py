"""The build: one report's job, where jobs run (executors, warm kernels), what is up to date
(the manifest), and a whole build as a library call (:func:`perfkit.build.builder.build`)."""
