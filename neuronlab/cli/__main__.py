"""``python -m neuronlab.cli`` runs the ``neuronlab`` command."""

import sys

from neuronlab.cli import main

sys.exit(main())
