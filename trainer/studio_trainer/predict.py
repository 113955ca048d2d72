"""`python -m studio_trainer predict --model-dir DIR --framework F --task T`: a warm prediction process.

One JSON request per stdin line, one JSON answer per stdout line, in order; the model stays loaded.
Requests may carry an "id" that the answer repeats. A bad request gets {"id", "error"} and the process
goes on. The first line written is {"ready": true, ...} once the model is loaded. EOF on stdin ends it.

Requests and answers per task:
- text_classification: {"text"} → {"labels": [{"label", "score"}, ...]} best first (multi-label: independent scores)
- question_answering: {"question", "context"} → {"answer", "score", "start", "end"} (character offsets)
- sentence_similarity: {"pairs": [[a, b], ...]} → {"scores": [...]}
- supervised_fine_tuning / chat_completion / direct_preference_optimization / proximal_policy_optimization:
  {"prompt" | "messages", "max_new_tokens"?, "temperature"?} → {"text"}
- reward_modeling: {"text"} or {"texts": [...]} → {"scores": [...]}
"""

from __future__ import annotations

import json
import sys
import traceback
from typing import Any

from . import protocol
from .job import TASK_ALIASES

GENERATION_TASKS = {"supervised_fine_tuning", "chat_completion", "direct_preference_optimization", "proximal_policy_optimization"}


class PredictError(Exception):
    pass


def _text(request: dict[str, Any], key: str) -> str:
    value = request.get(key)
    if not isinstance(value, str):
        raise PredictError(f"`{key}` must be a string")
    return value


class TransformersClassifier:
    def __init__(self, model_dir: str):
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        self.model = _load_peft_or(model_dir, AutoModelForSequenceClassification).eval()
        self.multi_label = self.model.config.problem_type == "multi_label_classification"

    def predict(self, request):
        encoded = self.tokenizer(_text(request, "text"), truncation=True, max_length=512, return_tensors="pt")
        with self.torch.no_grad():
            logits = self.model(**encoded).logits[0]
        scores = logits.sigmoid() if self.multi_label else logits.softmax(-1)
        labels = [{"label": self.model.config.id2label[i], "score": float(s)} for i, s in enumerate(scores)]
        return {"labels": sorted(labels, key=lambda item: -item["score"])}


def _load_peft_or(model_dir: str, auto_class):
    """A PEFT adapter folder (adapter_config.json) loads over its base model; anything else loads directly."""
    from pathlib import Path

    import torch

    adapter_config = Path(model_dir) / "adapter_config.json"
    if not adapter_config.is_file():
        return auto_class.from_pretrained(model_dir, dtype=torch.float32)
    from peft import PeftModel

    base_path = json.loads(adapter_config.read_text(encoding="utf-8"))["base_model_name_or_path"]
    if (Path(model_dir) / "config.json").is_file():  # a classifier: its head's size and labels
        from transformers import AutoConfig

        base = auto_class.from_pretrained(base_path, config=AutoConfig.from_pretrained(model_dir), dtype=torch.float32)
    else:
        base = auto_class.from_pretrained(base_path, dtype=torch.float32)
    return PeftModel.from_pretrained(base, model_dir)


class SetFitClassifier:
    def __init__(self, model_dir: str):
        from setfit import SetFitModel

        self.model = SetFitModel.from_pretrained(model_dir, local_files_only=True)
        self.multi_label = self.model.multi_target_strategy is not None

    def predict(self, request):
        probabilities = self.model.predict_proba([_text(request, "text")], as_numpy=True)[0]
        names = self.model.labels or [str(i) for i in range(len(probabilities))]
        if self.multi_label and getattr(probabilities, "ndim", 1) > 1:
            probabilities = [p[-1] for p in probabilities]
        labels = [{"label": names[i], "score": float(p)} for i, p in enumerate(probabilities)]
        return {"labels": sorted(labels, key=lambda item: -item["score"])}


class SpacyClassifier:
    def __init__(self, model_dir: str):
        import spacy

        self.nlp = spacy.load(model_dir)

    def predict(self, request):
        cats = self.nlp(_text(request, "text")).cats
        return {"labels": sorted(({"label": k, "score": float(v)} for k, v in cats.items()), key=lambda item: -item["score"])}


class QuestionAnswerer:
    def __init__(self, model_dir: str):
        import torch
        from transformers import AutoModelForQuestionAnswering, AutoTokenizer

        from .transformers_qa_runner import best_span

        self.torch = torch
        self.best_span = best_span
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        self.model = AutoModelForQuestionAnswering.from_pretrained(model_dir, dtype=torch.float32).eval()

    def predict(self, request):
        question, context = _text(request, "question"), _text(request, "context")
        encoded = self.tokenizer(question, context, truncation="only_second", max_length=384, stride=128, return_overflowing_tokens=True, return_offsets_mapping=True, padding=True, return_tensors="pt")
        offsets = encoded.pop("offset_mapping").tolist()
        encoded.pop("overflow_to_sample_mapping", None)
        with self.torch.no_grad():
            output = self.model(**encoded)
        best = None
        for i in range(len(offsets)):
            sequence_ids = encoded.sequence_ids(i)
            span = self.best_span(output.start_logits[i].tolist(), output.end_logits[i].tolist(), offsets[i], sequence_ids)
            if span and (best is None or span[2] > best[2]):
                best = span
        if best is None:
            return {"answer": "", "score": 0.0, "start": 0, "end": 0}
        start, end, score = best
        return {"answer": context[start:end], "score": float(score), "start": start, "end": end}


class PairScorer:
    def __init__(self, model_dir: str):
        from pathlib import Path

        from .sentence_transformers_runner import MARKER

        marker = Path(model_dir) / MARKER
        self.cross = marker.is_file() and json.loads(marker.read_text(encoding="utf-8")).get("kind") == "cross-encoder"
        if self.cross:
            from sentence_transformers import CrossEncoder

            self.model = CrossEncoder(model_dir, local_files_only=True)
        else:
            from sentence_transformers import SentenceTransformer

            self.model = SentenceTransformer(model_dir, local_files_only=True)

    def predict(self, request):
        pairs = request.get("pairs")
        if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 and all(isinstance(t, str) for t in p) for p in pairs):
            raise PredictError("`pairs` must be a list of [text, text]")
        if self.cross:
            scores = self.model.predict([tuple(p) for p in pairs], convert_to_numpy=True)
            if getattr(scores, "ndim", 1) > 1:  # one output per class: the class probabilities
                return {"scores": [[float(v) for v in row] for row in scores]}
            return {"scores": [float(s) for s in scores]}
        left = self.model.encode([p[0] for p in pairs], convert_to_tensor=True, normalize_embeddings=True)
        right = self.model.encode([p[1] for p in pairs], convert_to_tensor=True, normalize_embeddings=True)
        return {"scores": [float(s) for s in (left * right).sum(-1)]}


class Generator:
    def __init__(self, model_dir: str):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        self.model = _load_peft_or(model_dir, AutoModelForCausalLM).eval()

    def predict(self, request):
        if "messages" in request:
            if self.tokenizer.chat_template is None:
                raise PredictError("this model's tokenizer has no chat template; send `prompt`")
            prompt = self.tokenizer.apply_chat_template(request["messages"], tokenize=False, add_generation_prompt=True)
        else:
            prompt = _text(request, "prompt")
        max_new_tokens = request.get("max_new_tokens", 64)
        temperature = request.get("temperature", 0.0)
        if not isinstance(max_new_tokens, int) or not 1 <= max_new_tokens <= 4096:
            raise PredictError("`max_new_tokens` must be an integer in [1, 4096]")
        if not isinstance(temperature, (int, float)) or temperature < 0:
            raise PredictError("`temperature` must be a number ≥ 0")
        encoded = self.tokenizer(prompt, return_tensors="pt")
        sampling = {"do_sample": True, "temperature": float(temperature)} if temperature > 0 else {"do_sample": False}
        with self.torch.no_grad():
            output = self.model.generate(**encoded, max_new_tokens=max_new_tokens, pad_token_id=self.tokenizer.pad_token_id, **sampling)
        text = self.tokenizer.decode(output[0, encoded["input_ids"].shape[1] :], skip_special_tokens=True)
        return {"text": text}


class RewardScorer:
    def __init__(self, model_dir: str):
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        self.model = _load_peft_or(model_dir, AutoModelForSequenceClassification).eval()

    def predict(self, request):
        texts = request.get("texts", [request.get("text")] if "text" in request else None)
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
            raise PredictError("send `text` (a string) or `texts` (a list of strings)")
        encoded = self.tokenizer(texts, padding=True, truncation=True, max_length=1024, return_tensors="pt")
        with self.torch.no_grad():
            scores = self.model(**encoded).logits[:, 0]
        return {"scores": [float(s) for s in scores]}


def load_predictor(model_dir: str, framework: str, task: str):
    task = TASK_ALIASES.get(task, task)
    if task == "text_classification":
        return {"setfit": SetFitClassifier, "spacy": SpacyClassifier}.get(framework, TransformersClassifier)(model_dir)
    if task == "question_answering":
        return QuestionAnswerer(model_dir)
    if task == "sentence_similarity":
        return PairScorer(model_dir)
    if task == "reward_modeling":
        return RewardScorer(model_dir)
    if task in GENERATION_TASKS:
        return Generator(model_dir)
    raise PredictError(f"no predictor for task `{task}`")


def serve(model_dir: str, framework: str, task: str) -> int:
    protocol.install()  # stdout carries answers only
    try:
        predictor = load_predictor(model_dir, framework, task)
    except Exception as error:
        traceback.print_exc()
        protocol.write_line({"ready": False, "error": str(error) or type(error).__name__})
        return 2
    protocol.write_line({"ready": True, "framework": framework, "task": TASK_ALIASES.get(task, task)})
    for line in sys.stdin:
        if not line.strip():
            continue
        request_id = None
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise PredictError("a request must be a JSON object")
            request_id = request.get("id")
            answer = predictor.predict(request)
            protocol.write_line({"id": request_id, **answer})
        except (PredictError, json.JSONDecodeError) as error:
            protocol.write_line({"id": request_id, "error": str(error)})
        except Exception as error:
            traceback.print_exc()
            protocol.write_line({"id": request_id, "error": str(error) or type(error).__name__})
    return 0
