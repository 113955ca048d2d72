"""Test-split metrics shared by the runners (scikit-learn and scipy come with SetFit / sentence-transformers)."""

from __future__ import annotations

import collections
import re
import string
from typing import Sequence


def classification_metrics(y_true: Sequence, y_pred: Sequence, multi_label: bool) -> dict[str, float]:
    """Single-label: accuracy, macro F1. Multi-label (0/1 matrices): subset accuracy, micro and macro F1."""
    import numpy as np
    from sklearn.metrics import accuracy_score, f1_score

    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if multi_label:
        return {
            "accuracy": float(accuracy_score(y_true, y_pred)),
            "f1_micro": float(f1_score(y_true, y_pred, average="micro", zero_division=0)),
            "f1_macro": float(f1_score(y_true, y_pred, average="macro", zero_division=0)),
        }
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "f1_macro": float(f1_score(y_true, y_pred, average="macro", zero_division=0)),
    }


def _normalize_answer(text: str) -> list[str]:
    """SQuAD's normalisation: lower case, no punctuation, no articles, single spaces."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return text.split()


def squad_metrics(predictions: Sequence[str], references: Sequence[Sequence[str]]) -> dict[str, float]:
    """Exact match and token F1 (in %, as the SQuAD script reports), best over each example's references."""
    exact = f1 = 0.0
    for prediction, answers in zip(predictions, references):
        pred_tokens = _normalize_answer(prediction)
        best_exact = best_f1 = 0.0
        for answer in answers:
            gold_tokens = _normalize_answer(answer)
            best_exact = max(best_exact, float(pred_tokens == gold_tokens))
            common = collections.Counter(pred_tokens) & collections.Counter(gold_tokens)
            same = sum(common.values())
            if same:
                precision = same / len(pred_tokens)
                recall = same / len(gold_tokens)
                best_f1 = max(best_f1, 2 * precision * recall / (precision + recall))
        exact += best_exact
        f1 += best_f1
    n = max(len(predictions), 1)
    return {"exact_match": 100 * exact / n, "f1": 100 * f1 / n}
