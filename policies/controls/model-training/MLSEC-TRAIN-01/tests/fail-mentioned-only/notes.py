"""Later: import foolbox and run a PGD attack here."""

PLANNED = "import cleverhans"
