"""``neuronlab.nn.functional`` (usually imported as ``F``): stateless forms of the layers,
activations and losses. Each file lists its names in ``__all__``."""

from neuronlab.nn.functional.activation import *  # noqa: F403
from neuronlab.nn.functional.classification_loss import *  # noqa: F403
from neuronlab.nn.functional.conv import *  # noqa: F403
from neuronlab.nn.functional.dropout import *  # noqa: F403
from neuronlab.nn.functional.likelihood_loss import *  # noqa: F403
from neuronlab.nn.functional.linear import *  # noqa: F403
from neuronlab.nn.functional.loss_arguments import *  # noqa: F403
from neuronlab.nn.functional.margin_loss import *  # noqa: F403
from neuronlab.nn.functional.normalization import *  # noqa: F403
from neuronlab.nn.functional.pooling import *  # noqa: F403
from neuronlab.nn.functional.regression_loss import *  # noqa: F403
