"""Translation machinery: Argos packages, the Argos engine, the translation cache."""
