#!/usr/bin/env python3
"""scikit-learn reference for `edgeloop-eval prequential` on a two-class ARFF stream
(written for Elec2, ../shared/data/electricity/elecNormNew.arff). Reference figures only:
nothing in edgeloop's build or tests runs it.

The protocol edgeloop-eval follows with "standard_scaler|MODEL": file order; for each
sample, standardise with the statistics so far (Welford mean and population variance, a
zero standard deviation counting as 1), predict (the first prediction, before any
learning, counts: an unfitted linear model scores 0 and predicts the first class), then
update the scaler with the sample and train on the sample standardised with the updated
statistics (partial_fit, classes [0, 1]). Everything in float64, scikit-learn's defaults.
Nominal attributes become their value index and the class its index in the declaration,
as edgeloop's ARFF reader does.

  /usr/bin/python3 sklearn_prequential.py --data FILE [--model NAME]... [--json]
Models: logistic_regression (SGDClassifier(loss='log_loss')), sgd_hinge (SGDClassifier()),
perceptron (Perceptron()), passive_aggressive (PassiveAggressiveClassifier()).
Each model prints one line; with --json one JSON object per model, the last line holding
all of them.
"""
import argparse
import json
import math
import sys
import time

import numpy as np


def read_arff(path):
    attrs, rows, in_data = [], [], False
    with open(path) as f:
        for line in f:
            line = line.split('%', 1)[0].strip()
            if not line:
                continue
            if not in_data:
                low = line.lower()
                if low.startswith('@attribute'):
                    rest = line[len('@attribute'):].strip()
                    name, kind = rest.split(None, 1)
                    kind = kind.strip()
                    values = [v.strip().strip("'\"") for v in kind[1:-1].split(',')] if kind.startswith('{') else None
                    attrs.append((name, values))
                elif low.startswith('@data'):
                    in_data = True
                continue
            fields = [t.strip().strip("'\"") for t in line.split(',')]
            rows.append([float(v) if a[1] is None else float(a[1].index(v)) for v, a in zip(fields, attrs)])
    data = np.array(rows, dtype=np.float64)
    return data[:, :-1], data[:, -1].astype(int)


def make_model(name):
    from sklearn.linear_model import PassiveAggressiveClassifier, Perceptron, SGDClassifier
    return {
        'logistic_regression': lambda: SGDClassifier(loss='log_loss'),
        'sgd_hinge': lambda: SGDClassifier(),
        'perceptron': lambda: Perceptron(),
        'passive_aggressive': lambda: PassiveAggressiveClassifier(),
    }[name]()


def kappa_against(p, p_e):
    return (p - p_e) / (1.0 - p_e) if p_e < 1.0 else 0.0


def run(name, X, y):
    model = make_model(name)
    n_features = X.shape[1]
    count, mean, m2 = 0, np.zeros(n_features), np.zeros(n_features)
    fitted = False
    confusion = np.zeros((2, 2), dtype=np.int64)
    no_change_right, last = 0, None
    start = time.perf_counter()

    def standardise(x):
        var = m2 / count if count else np.zeros(n_features)
        std = np.sqrt(var)
        return (x - mean) / np.where(std > 0, std, 1.0)

    for x, target in zip(X, y):
        z = standardise(x)
        pred = int(model.predict(z.reshape(1, -1))[0]) if fitted else 0
        confusion[target, pred] += 1
        no_change_right += last is not None and last == target
        last = target
        count += 1
        d = x - mean
        mean += d / count
        m2 += d * (x - mean)
        model.partial_fit(standardise(x).reshape(1, -1), [target], classes=[0, 1])
        fitted = True
    seconds = time.perf_counter() - start
    n = int(confusion.sum())
    acc = np.trace(confusion) / n
    p_e = float(sum(confusion[c, :].sum() * confusion[:, c].sum() for c in range(2))) / (n * n)
    return {
        'model': name, 'samples': n, 'accuracy': acc, 'correct': int(np.trace(confusion)),
        'kappa': kappa_against(acc, p_e), 'kappa_t': kappa_against(acc, no_change_right / n),
        'seconds': seconds, 'samples_per_second': n / seconds,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--data', required=True)
    ap.add_argument('--model', action='append')
    ap.add_argument('--json', action='store_true')
    a = ap.parse_args()
    try:
        X, y = read_arff(a.data)
    except OSError as e:
        sys.exit(f'sklearn_prequential: {a.data}: {e.strerror} (the data set is not part of the repository)')
    import sklearn
    results = []
    for name in a.model or ['logistic_regression', 'sgd_hinge', 'perceptron', 'passive_aggressive']:
        r = run(name, X, y)
        results.append(r)
        print(f"{name:22s} accuracy {100 * r['accuracy']:.6f}% ({r['correct']}/{r['samples']}) kappa {r['kappa']:.6f} "
              f"kappa_t {r['kappa_t']:.6f} {r['samples_per_second']:.0f} samples/s", flush=True)
    if a.json:
        print(json.dumps({'sklearn': sklearn.__version__, 'data': a.data, 'results': results}))


if __name__ == '__main__':
    main()
