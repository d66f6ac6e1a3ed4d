"""``neuronlab playground``: TensorFlow Playground's job on the real engine, in the browser.

A Starlette app served by uvicorn on 127.0.0.1: the page (plain HTML, CSS and JavaScript
shipped in ``static/``, nothing from the network) talks to the server over one WebSocket per
tab; the server trains a neuronlab MLP and sends back the losses, the decision boundary, each
hidden unit's output and the weights. See ``docs/playground.md``.

==================  ===========================================================================
``config``          the table of controls and the validation of every setting
``data``            TF Playground's generators, the course's double moon, CSV uploads
``network``         the model, optimizer, loss and penalty a configuration describes
``training``        ``NetworkRun``: the training loop and the pictures of one network
``perceptron``      ``PerceptronRun``: Rosenblatt's perceptron against Novikoff's bound
``explain``         one weight's gradient worked out by ``explain_backward``
``landscape``       the loss around the current weights (``analysis.landscape_2d``)
``export``          the configuration as a script that runs with neuronlab and with PyTorch
``session``         one tab's state and its messages
``server``          the Starlette app
``bench``           steps per second and frames per second (the speed target)
==================  ===========================================================================
"""

from neuronlab.playground.config import CONTROLS, ConfigError, defaults, validate
from neuronlab.playground.session import Session

__all__ = ["CONTROLS", "ConfigError", "Session", "create_app", "defaults", "validate"]


def create_app(lang: str = "en", host: str = "127.0.0.1"):
    """The Starlette app (imported here lazily: Starlette is the ``playground`` extra)."""
    try:
        from neuronlab.playground.server import create_app as create
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(
            "the playground needs its web stack: pip install 'neuronlab[playground]'"
        ) from error
    return create(lang=lang, host=host)
