#!/usr/bin/env python3
"""Training speed of the app's two default models in PyTorch on this machine's CPU.

The bench's reference: a mature native framework training the very same networks, so the app's
images/s can be read against what the hardware allows rather than against tfjs alone. Prints one
JSON object on stdout. Needs only torch (Debian's python3-torch) and the standard library.

    python3 scripts/pytorch-reference.py [--seconds 4] [--runs 3]

The models mirror the app's defaults (src/model/validate.ts DEFAULT_RAW_SETTINGS and
src/model/spec.ts DEFAULT_KIND_OPTIONS, built by src/model/dense.ts and src/model/kinds/conv.ts):
latent size 2, ReLU, BCE, Adam at 0.01, batch 128, 28x28x1 images.
"""

import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

IMAGE_SIZE = 28
LATENT_DIM = 2
HIDDEN_SIZES = [128, 32]
CONV_FILTERS = [16, 32]
BATCH_SIZE = 128
LEARNING_RATE = 0.01
# The app's BCE_EPSILON (src/model/losses.ts), and the epsilon tfjs's CPU and wasm backends give Adam.
BCE_EPSILON = 1e-7
ADAM_EPSILON = 1e-7
# Enough distinct images that steps do not keep re-reading one cached batch, small enough to make quickly.
POOL_IMAGES = 8192
SEED = 1


def same_padding(size, kernel, stride):
    """tfjs/TF 'same' padding of one axis: any odd pixel of padding goes after, not before."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def glorot_(module):
    # The app's kernels are Glorot-uniform with zero biases (tfjs's defaults); PyTorch's own default
    # (Kaiming-uniform biases too) would start from another point of the loss surface.
    if isinstance(module, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.xavier_uniform_(module.weight)
        nn.init.zeros_(module.bias)


class DenseAutoencoder(nn.Module):
    """The basic kind: flatten -> 128 -> 32 -> linear code of 2 -> 32 -> 128 -> 784 sigmoid."""

    def __init__(self):
        super().__init__()
        widths = [IMAGE_SIZE * IMAGE_SIZE, *HIDDEN_SIZES]
        encoder = []
        for inputs, units in zip(widths, widths[1:]):
            encoder += [nn.Linear(inputs, units), nn.ReLU()]
        encoder.append(nn.Linear(widths[-1], LATENT_DIM))
        decoder = []
        back = [LATENT_DIM, *reversed(HIDDEN_SIZES)]
        for inputs, units in zip(back, back[1:]):
            decoder += [nn.Linear(inputs, units), nn.ReLU()]
        decoder += [nn.Linear(back[-1], IMAGE_SIZE * IMAGE_SIZE), nn.Sigmoid()]
        self.encoder = nn.Sequential(nn.Flatten(), *encoder)
        self.decoder = nn.Sequential(*decoder)

    def forward(self, images):
        return self.decoder(self.encoder(images)).view_as(images)


class SameConv(nn.Module):
    """A tfjs conv2d with padding 'same': PyTorch's symmetric padding would shift a stride-2 grid by one pixel."""

    def __init__(self, inputs, filters, stride, size):
        super().__init__()
        self.pad = same_padding(size, 3, stride)
        self.symmetric = self.pad[0] == self.pad[1]
        self.conv = nn.Conv2d(inputs, filters, 3, stride, padding=self.pad[0] if self.symmetric else 0)

    def forward(self, x):
        if not self.symmetric:
            before, after = self.pad
            x = F.pad(x, (before, after, before, after))
        return self.conv(x)


class SameConvTranspose(nn.Module):
    """A tfjs conv2dTranspose with padding 'same': exactly `size * stride` out, the adjoint of the
    'same' conv from that size, so the full transposed output is cut `before` pixels from the start
    (here none) and the rest from the end, which PyTorch's symmetric `padding` cannot express."""

    def __init__(self, inputs, filters, stride, size):
        super().__init__()
        self.out = size * stride
        self.before = same_padding(self.out, 3, stride)[0]
        self.conv = nn.ConvTranspose2d(inputs, filters, 3, stride, padding=0)

    def forward(self, x):
        full = self.conv(x)
        end = self.before + self.out
        return full[:, :, self.before:end, self.before:end]


class ConvAutoencoder(nn.Module):
    """The convolutional kind: 3x3 stride-2 convs 1->16->32 (28->14->7), dense to a linear code of 2;
    dense 2->7*7*32, transposed convs 32->32->16 (7->14->28; no crop needed at 28), 3x3 conv to 1, sigmoid.
    NCHW rather than the app's NHWC: the layout PyTorch's CPU kernels are fastest in; same arithmetic."""

    def __init__(self):
        super().__init__()
        sizes = [IMAGE_SIZE]
        for _ in CONV_FILTERS:
            sizes.append(-(-sizes[-1] // 2))
        encoder = []
        channels = 1
        for filters, size in zip(CONV_FILTERS, sizes):
            encoder += [SameConv(channels, filters, 2, size), nn.ReLU()]
            channels = filters
        smallest = sizes[-1]
        encoder += [nn.Flatten(), nn.Linear(smallest * smallest * channels, LATENT_DIM)]
        self.encoder = nn.Sequential(*encoder)
        reversed_filters = list(reversed(CONV_FILTERS))
        decoder = [
            nn.Linear(LATENT_DIM, smallest * smallest * reversed_filters[0]),
            nn.ReLU(),
            nn.Unflatten(1, (reversed_filters[0], smallest, smallest)),
        ]
        # The app's decoder starts with as many filters as the feature map has channels (32 -> 32),
        # not one step down: each transposed conv takes the previous one's filters.
        channels = reversed_filters[0]
        size = smallest
        for filters in reversed_filters:
            decoder += [SameConvTranspose(channels, filters, 2, size), nn.ReLU()]
            channels = filters
            size *= 2
        if size != IMAGE_SIZE:
            raise ValueError('the app crops here; these defaults never need it')
        decoder += [SameConv(channels, 1, 1, IMAGE_SIZE), nn.Sigmoid()]
        self.decoder = nn.Sequential(*decoder)

    def forward(self, images):
        return self.decoder(self.encoder(images))


def bce(target, output):
    # As the app computes it: clipped, then the mean over every pixel of every image. Not
    # F.binary_cross_entropy, which clamps the log at -100 instead and has its own fused kernel.
    clipped = output.clamp(BCE_EPSILON, 1 - BCE_EPSILON)
    return -(target * torch.log(clipped) + (1 - target) * torch.log(1 - clipped)).mean()


def blas_in_use():
    """Which BLAS the process loaded: PyTorch's dense layers run on it, and Debian's python3-torch
    works with any libblas.so.3, from the reference one (several times slower) to OpenBLAS."""
    try:
        with open('/proc/self/maps') as maps:
            paths = {line.split()[-1] for line in maps if 'blas' in line.rsplit('/', 1)[-1]}
    except OSError:
        return None
    for name in ('openblas', 'mkl', 'blis', 'atlas'):
        if any(name in path.lower() for path in paths):
            return name
    # Debian's alternatives put the netlib reference library in a folder named plainly blas/.
    if any(path.endswith('/blas/libblas.so.3') or '/blas/libblas.so.3.' in path for path in paths):
        return 'reference'
    return sorted(path.rsplit('/', 1)[-1] for path in paths)[0] if paths else None


def make_pool():
    # Seeded uniform noise in [0, 1]: the cost of a step does not depend on what the pixels show,
    # and a fixed seed keeps runs comparable without shipping a data set.
    generator = torch.Generator().manual_seed(SEED)
    return torch.rand(POOL_IMAGES, 1, IMAGE_SIZE, IMAGE_SIZE, generator=generator)


def build(model_class):
    # Same seed for each thread count, so every timing starts from the same weights.
    torch.manual_seed(SEED)
    model = model_class()
    model.apply(glorot_)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.999), eps=ADAM_EPSILON)
    return model, optimizer


def train_for(model, optimizer, pool, seconds, min_steps=1):
    """Steps for about `seconds`; returns images per second over whole steps."""
    batches = POOL_IMAGES // BATCH_SIZE
    steps = 0
    start = time.perf_counter()
    while True:
        index = steps % batches
        batch = pool[index * BATCH_SIZE:(index + 1) * BATCH_SIZE]
        optimizer.zero_grad(set_to_none=True)
        loss = bce(batch, model(batch))
        loss.backward()
        optimizer.step()
        steps += 1
        elapsed = time.perf_counter() - start
        if steps >= min_steps and elapsed >= seconds:
            if not torch.isfinite(loss):
                raise RuntimeError('training diverged: the loss is not finite')
            return steps * BATCH_SIZE / elapsed


def measure(model_class, pool, thread_counts, seconds, runs, warmup):
    by_threads = {}
    for threads in thread_counts:
        torch.set_num_threads(threads)
        model, optimizer = build(model_class)
        # First steps allocate buffers and pick kernels; they are not the steady rate.
        train_for(model, optimizer, pool, warmup, min_steps=3)
        rates = [train_for(model, optimizer, pool, seconds) for _ in range(runs)]
        by_threads[threads] = {'imgPerSec': statistics.median(rates), 'runs': rates}
    best = max(by_threads, key=lambda threads: by_threads[threads]['imgPerSec'])
    return {
        'imgPerSec': round(by_threads[best]['imgPerSec'], 1),
        'threads': best,
        'runs': [round(rate, 1) for rate in by_threads[best]['runs']],
        'byThreads': {str(threads): round(entry['imgPerSec'], 1) for threads, entry in by_threads.items()},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--seconds', type=float, default=4.0, help='length of each timed run (default 4)')
    parser.add_argument('--runs', type=int, default=3, help='timed runs per thread count; the median counts (default 3)')
    parser.add_argument('--warmup', type=float, default=1.0, help='untimed seconds before the runs of each thread count (default 1)')
    options = parser.parse_args()
    if options.seconds <= 0 or options.runs < 1 or options.warmup < 0:
        parser.error('--seconds must be > 0, --runs >= 1, --warmup >= 0')

    thread_counts = list(range(1, (os.cpu_count() or 1) + 1))
    pool = make_pool()
    report = {
        'torch': torch.__version__,
        'blas': blas_in_use(),
        'threadsTried': thread_counts,
        'batchSize': BATCH_SIZE,
        'seconds': options.seconds,
        'runs': options.runs,
        'dense': measure(DenseAutoencoder, pool, thread_counts, options.seconds, options.runs, options.warmup),
        'conv': measure(ConvAutoencoder, pool, thread_counts, options.seconds, options.runs, options.warmup),
    }
    if report['blas'] == 'reference':
        print('note: PyTorch runs on the reference BLAS; with OpenBLAS (Debian: libopenblas0) its dense '
              'figure is several times higher', file=sys.stderr)
    json.dump(report, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
