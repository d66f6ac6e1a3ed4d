# Source: Dive into Deep Learning (d2l.ai), PyTorch edition, "Concise Implementation of
# Multilayer Perceptrons" and "Softmax Regression" (chapters 4.3 / 3.7 of the 0.17 edition),
# by Zhang, Lipton, Li and Smola; CC BY-SA 4.0.
# Changed: Fashion-MNIST replaced by a small seeded synthetic set of the same shape family
# (data loading and sizes only); the d2l training helpers inlined.
import torch
from torch import nn
from torch.utils import data

torch.manual_seed(42)
X = torch.randn(600, 1, 8, 8)
y = (X.sum(dim=(1, 2, 3)) > 0).long() + 2 * (X[:, 0, 0, 0] > 0).long()
dataset = data.TensorDataset(X, y)
train_iter = data.DataLoader(dataset, batch_size=64, shuffle=True)

net = nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 4))


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)


net.apply(init_weights)
batch_size, lr, num_epochs = 64, 0.1, 5
loss = nn.CrossEntropyLoss(reduction='none')
trainer = torch.optim.SGD(net.parameters(), lr=lr)


def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(dim=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


for epoch in range(num_epochs):
    net.train()
    total_loss, total_acc, n = 0.0, 0.0, 0
    for X_b, y_b in train_iter:
        y_hat = net(X_b)
        l = loss(y_hat, y_b)
        trainer.zero_grad()
        l.mean().backward()
        trainer.step()
        total_loss += float(l.sum())
        total_acc += accuracy(y_hat, y_b)
        n += y_b.numel()
    print(f'epoch {epoch + 1}, loss {total_loss / n:.6f}, train acc {total_acc / n:.4f}')
print('next draw after training:', torch.rand(3))
