"""The course's momentum form ``v = γv + η∇L; θ -= v`` and PyTorch's ``b = μb + g;
θ -= lr·b`` (neuronlab's ``SGD``) give the same trajectory while the learning rate is
constant, and differ once it changes (see the docstring of ``neuronlab.optim.sgd``)."""

import numpy as np

import neuronlab
import neuronlab.optim as optim


def rosenbrock(theta):
    x, y = theta[0], theta[1]
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def gradient(theta_array: np.ndarray) -> np.ndarray:
    theta = neuronlab.tensor(theta_array, requires_grad=True)
    rosenbrock(theta).backward()
    return theta.grad.numpy().copy()


def course_form(start, lrs, gamma):
    """v ← γ v + η ∇L(θ);  θ ← θ - v   (written out by hand, as in the course)."""
    theta, v = start.copy(), np.zeros_like(start)
    path = []
    for eta in lrs:
        v = gamma * v + eta * gradient(theta)
        theta = theta - v
        path.append(theta.copy())
    return np.array(path)


def pytorch_form(start, lrs, gamma):
    theta = neuronlab.tensor(start.copy(), requires_grad=True)
    opt = optim.SGD([theta], lr=lrs[0], momentum=gamma)
    path = []
    for eta in lrs:
        opt.param_groups[0]["lr"] = eta
        opt.zero_grad()
        rosenbrock(theta).backward()
        opt.step()
        path.append(theta.detach().numpy().copy())
    return np.array(path)


START = np.array([-1.2, 1.0])


def test_same_trajectory_with_a_constant_learning_rate():
    lrs = [1e-3] * 200
    course, pytorch = course_form(START, lrs, 0.9), pytorch_form(START, lrs, 0.9)
    np.testing.assert_allclose(course, pytorch, rtol=1e-12, atol=1e-14)
    assert rosenbrock(course[-1]) < rosenbrock(START)  # and it is making progress


def test_trajectories_part_when_the_learning_rate_changes():
    lrs = [1e-3] * 20 + [1e-4] * 20  # a step decay at step 21
    course, pytorch = course_form(START, lrs, 0.9), pytorch_form(START, lrs, 0.9)
    np.testing.assert_allclose(course[:20], pytorch[:20], rtol=1e-12, atol=1e-14)
    assert np.abs(course[20:] - pytorch[20:]).max() > 1e-6
