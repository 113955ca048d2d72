import subprocess
import sys

from tests import samples


def cats_rows(rows, names):
    out = []
    for row in rows:
        ids = row["label"] if isinstance(row["label"], list) else [row["label"]]
        out.append({"text": row["text"], "cats": {name: int(i in ids) for i, name in enumerate(names)}})
    return out


def spacy_job(tmp_path, train, test, config, model="blank:en", job_id="spacy-1"):
    prepared = samples.write_prepared(tmp_path / "prepared", train, test)
    return {
        "job_id": job_id,
        "framework": "spacy",
        "task": "text_classification",
        "model": model,
        "prepared_dir": str(prepared),
        "output_dir": str(tmp_path / "out"),
        "config": config,
    }


def test_textcat_on_a_blank_pipeline_learns_and_packages(worker, tmp_path):
    train, test, meta = samples.sentiment_classification()
    names = [meta["id2label"][str(i)] for i in range(len(meta["id2label"]))]
    run = worker.run(spacy_job(tmp_path, cats_rows(train, names), cats_rows(test, names), {"max_steps": 60, "batch_size": 8, "eval_frequency": 20}))
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.done["metrics"]["accuracy"] >= 0.75, run.done["metrics"]
    assert (run.output_dir / "train.spacy").is_file() and (run.output_dir / "dev.spacy").is_file()

    from studio_trainer.predict import load_predictor

    predictor = load_predictor(str(run.output_dir / "model"), "spacy", "text_classification")
    assert predictor.predict({"text": "Worth every penny. I love it."})["labels"][0]["label"] == "positive"

    # The studio writes its model card as README.md in the model folder; `spacy package` keeps it as the package's README.
    card = "---\nlanguage: en\nlibrary_name: spacy\n---\n\n# Model Card for *studio-spacy-1*\n"
    (run.output_dir / "model" / "README.md").write_text(card, encoding="utf-8")
    packaged = tmp_path / "packages"
    packaged.mkdir()
    result = subprocess.run([sys.executable, "-m", "spacy", "package", str(run.output_dir / "model"), str(packaged), "--build", "none"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (packaged / "en_studio_spacy_1-0.1.0" / "setup.py").is_file(), sorted(p.name for p in packaged.iterdir())
    assert (packaged / "en_studio_spacy_1-0.1.0" / "README.md").read_text(encoding="utf-8") == card


def test_textcat_multilabel_trains_and_continues_a_given_pipeline(worker, tmp_path):
    train, test, meta = samples.support_topics_multilabel()
    names = [meta["id2label"][str(i)] for i in range(len(meta["id2label"]))]
    job = spacy_job(tmp_path, cats_rows(train, names), cats_rows(test, names), {"max_steps": 60, "batch_size": 8}, job_id="ml")
    run = worker.run({**job, "multi_label": True})
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.done["metrics"]["accuracy"] >= samples.best_constant_subset_accuracy(test) + 0.15, run.done["metrics"]

    import spacy

    assert "textcat_multilabel" in spacy.load(run.output_dir / "model").pipe_names
    # the trained pipeline is itself a valid starting model ("a given pipeline")
    again = worker.run({**job, "multi_label": True, "model": str(run.output_dir / "model"), "output_dir": str(tmp_path / "again"), "config": {"max_steps": 5, "batch_size": 8}})
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.done["metrics"]["accuracy"] >= samples.best_constant_subset_accuracy(test) + 0.15
