"""The embedded backend: the SAM template's resources on moto, and its functions fed locally."""
