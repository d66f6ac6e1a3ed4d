"""``python -m neuronlab`` runs the ``neuronlab`` command."""

import sys

from neuronlab.cli import main

sys.exit(main())
