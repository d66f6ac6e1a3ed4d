"""The module classes of ``neuronlab.nn``; each file lists its public names in ``__all__``."""

from neuronlab.nn.modules.activation import *  # noqa: F403
from neuronlab.nn.modules.container import *  # noqa: F403
from neuronlab.nn.modules.conv import *  # noqa: F403
from neuronlab.nn.modules.conv1d import *  # noqa: F403
from neuronlab.nn.modules.dropout import *  # noqa: F403
from neuronlab.nn.modules.flatten import *  # noqa: F403
from neuronlab.nn.modules.linear import *  # noqa: F403
from neuronlab.nn.modules.loss import *  # noqa: F403
from neuronlab.nn.modules.module import Module
from neuronlab.nn.modules.normalization import *  # noqa: F403
from neuronlab.nn.modules.pooling import *  # noqa: F403
from neuronlab.nn.modules.residual import *  # noqa: F403
from neuronlab.nn.modules.resnet import *  # noqa: F403
from neuronlab.nn.modules.rnn import *  # noqa: F403
from neuronlab.nn.modules.sparse import *  # noqa: F403
