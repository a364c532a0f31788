"""New projects: a council's own project folder (``perfkit init``) and the fictional demo
council's generated data (``perfkit demo``)."""
