"use client";
/**
 * One form per task, each sending the predict procedure's input for it and showing its answer:
 * labels with score bars, the answer span highlighted in its context, a similarity, a generation,
 * a reward. A refused input or a failed prediction shows the server's message in words.
 */
import { useState, type FormEvent, type ReactNode } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { cx, ErrorMessage, inputClass, primaryButtonClass } from "~/components/ui";
import { barPercent, formatProbability, formatScore, splitAtAnswer, type PlaygroundKind } from "./playground-format";

const textareaClass = cx(inputClass, "w-full font-mono text-xs leading-relaxed");

interface FormProps {
  jobId: string;
  /** False for viewers: predict is a member procedure. */
  allowed: boolean;
}

function usePredict() {
  const trpc = useTRPC();
  return useMutation(trpc.trainingRuns.predict.mutationOptions());
}

/** A form shell around a task's fields and its answer. */
function PredictForm({ label, busyLabel, allowed, ready, mutation, onSubmit, children, answer }: {
  label: string;
  busyLabel: string;
  allowed: boolean;
  ready: boolean;
  mutation: { isPending: boolean; error: { message: string } | null };
  onSubmit: () => void;
  children: ReactNode;
  answer: ReactNode;
}) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (allowed && ready && !mutation.isPending) onSubmit();
  };
  return (
    <form onSubmit={submit} className="space-y-3">
      <fieldset disabled={!allowed} className="space-y-3">
        {children}
      </fieldset>
      <div className="flex items-center gap-3">
        <button type="submit" className={primaryButtonClass} disabled={!allowed || !ready || mutation.isPending}>
          {mutation.isPending ? busyLabel : label}
        </button>
        {!allowed && <span className="text-xs text-slate-500">Trying the model needs the member role.</span>}
      </div>
      {mutation.error && <ErrorMessage title="The model could not answer" message={mutation.error.message} testId="predict-error" />}
      {answer}
    </form>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="block space-y-1 text-sm">
      <span className="font-medium text-slate-700">{label}</span>
      {children}
    </label>
  );
}

function TextArea({ label, rows, value, onChange, placeholder }: { label: string; rows: number; value: string; onChange: (value: string) => void; placeholder?: string }) {
  return (
    <Field label={label}>
      <textarea className={textareaClass} rows={rows} value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder} />
    </Field>
  );
}

/** An unbounded score, named. */
function ScoreValue({ label, score }: { label: string; score: number }) {
  return (
    <p className="text-sm">
      {label} <span className="font-mono text-base font-semibold">{formatScore(score)}</span>
    </p>
  );
}

/** A probability as a labelled bar. */
function ScoreBar({ label, p }: { label: string; p: number }) {
  return (
    <li className="grid grid-cols-[minmax(6rem,12rem)_1fr_4rem] items-center gap-3 text-sm">
      <span className="truncate font-medium text-slate-800" title={label}>
        {label}
      </span>
      <span role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={1} aria-valuenow={p} aria-valuetext={formatProbability(p)} className="h-2.5 overflow-hidden rounded-full bg-slate-200">
        <span className="block h-full rounded-full bg-indigo-600" style={{ width: `${barPercent(p)}%` }} />
      </span>
      <span className="text-right font-mono text-xs text-slate-600">{formatProbability(p)}</span>
    </li>
  );
}

function Answer({ label, children }: { label: string; children: ReactNode }) {
  return (
    <section aria-label={label} className="rounded-md border border-slate-200 bg-slate-50 p-3">
      {children}
    </section>
  );
}

function ClassifyForm({ jobId, allowed }: FormProps) {
  const predict = usePredict();
  const [text, setText] = useState("");
  const labels = predict.data && "labels" in predict.data ? predict.data.labels : null;
  return (
    <PredictForm label="Classify" busyLabel="Classifying…" allowed={allowed} ready={text.trim() !== ""} mutation={predict} onSubmit={() => predict.mutate({ id: jobId, input: { text } })}
      answer={labels && (
        <Answer label="Labels">
          <ol className="space-y-1.5">
            {labels.map(({ label, score }) => <ScoreBar key={label} label={label} p={score} />)}
          </ol>
        </Answer>
      )}
    >
      <TextArea label="Text" rows={4} value={text} onChange={setText} placeholder="A text to classify" />
    </PredictForm>
  );
}

function AnswerQuestionForm({ jobId, allowed }: FormProps) {
  const predict = usePredict();
  const [question, setQuestion] = useState("");
  const [context, setContext] = useState("");
  // The context the answer was given for: the span's offsets count its characters.
  const [asked, setAsked] = useState("");
  const answer = predict.data && "answer" in predict.data ? predict.data : null;
  const span = answer ? splitAtAnswer(asked, answer.start, answer.end) : null;
  return (
    <PredictForm label="Answer" busyLabel="Answering…" allowed={allowed} ready={question.trim() !== "" && context.trim() !== ""} mutation={predict}
      onSubmit={() => {
        setAsked(context);
        predict.mutate({ id: jobId, input: { question, context } });
      }}
      answer={answer && span && (
        <Answer label="Answer">
          {span.answer === "" ? (
            <p className="text-sm text-slate-600">No answer found in the context.</p>
          ) : (
            <>
              <p className="mb-2 text-sm">
                <span className="font-medium">{span.answer}</span> <span className="font-mono text-xs text-slate-500">score {formatScore(answer.score)}</span>
              </p>
              <p className="whitespace-pre-wrap text-sm leading-relaxed text-slate-700">
                {span.before}
                <mark className="rounded bg-amber-200 px-0.5 text-slate-900">{span.answer}</mark>
                {span.after}
              </p>
            </>
          )}
        </Answer>
      )}
    >
      <Field label="Question">
        <input className={cx(inputClass, "w-full")} value={question} onChange={(e) => setQuestion(e.target.value)} />
      </Field>
      <TextArea label="Context" rows={5} value={context} onChange={setContext} />
    </PredictForm>
  );
}

function SimilarityForm({ jobId, allowed }: FormProps) {
  const predict = usePredict();
  const [sentence1, setSentence1] = useState("");
  const [sentence2, setSentence2] = useState("");
  const score = predict.data && "score" in predict.data ? predict.data.score : null;
  return (
    <PredictForm label="Compare" busyLabel="Comparing…" allowed={allowed} ready={sentence1.trim() !== "" && sentence2.trim() !== ""} mutation={predict}
      onSubmit={() => predict.mutate({ id: jobId, input: { sentence1, sentence2 } })}
      answer={score !== null && (
        <Answer label="Similarity">
          {Array.isArray(score) ? (
            <ol className="space-y-1.5">
              {score.map((p, i) => <ScoreBar key={i} label={`class ${i}`} p={p} />)}
            </ol>
          ) : (
            <ScoreValue label="Similarity" score={score} />
          )}
        </Answer>
      )}
    >
      <TextArea label="First sentence" rows={2} value={sentence1} onChange={setSentence1} />
      <TextArea label="Second sentence" rows={2} value={sentence2} onChange={setSentence2} />
    </PredictForm>
  );
}

function GenerateForm({ jobId, allowed }: FormProps) {
  const predict = usePredict();
  const [prompt, setPrompt] = useState("");
  const [maxNewTokens, setMaxNewTokens] = useState(64);
  const [temperature, setTemperature] = useState(0);
  const generated = predict.data && "text" in predict.data ? predict.data.text : null;
  return (
    <PredictForm label="Generate" busyLabel="Generating…" allowed={allowed} ready={prompt.trim() !== ""} mutation={predict}
      onSubmit={() => predict.mutate({ id: jobId, input: { prompt, max_new_tokens: maxNewTokens, temperature } })}
      answer={generated !== null && (
        <Answer label="Generation">
          <pre className="whitespace-pre-wrap break-words font-mono text-xs leading-relaxed">
            <span className="text-slate-400">{prompt}</span>
            {generated}
          </pre>
        </Answer>
      )}
    >
      <TextArea label="Prompt" rows={4} value={prompt} onChange={setPrompt} />
      <div className="flex gap-4">
        <Field label="Max new tokens">
          <input type="number" className={cx(inputClass, "w-24")} min={1} max={256} step={1} value={maxNewTokens} onChange={(e) => setMaxNewTokens(e.target.valueAsNumber)} />
        </Field>
        <Field label="Temperature">
          <input type="number" className={cx(inputClass, "w-24")} min={0} max={2} step={0.1} value={temperature} onChange={(e) => setTemperature(e.target.valueAsNumber)} />
        </Field>
      </div>
    </PredictForm>
  );
}

function RewardForm({ jobId, allowed }: FormProps) {
  const predict = usePredict();
  const [text, setText] = useState("");
  const score = predict.data && "score" in predict.data && typeof predict.data.score === "number" ? predict.data.score : null;
  return (
    <PredictForm label="Score" busyLabel="Scoring…" allowed={allowed} ready={text.trim() !== ""} mutation={predict} onSubmit={() => predict.mutate({ id: jobId, input: { text } })}
      answer={score !== null && (
        <Answer label="Reward">
          <ScoreValue label="Reward" score={score} />
        </Answer>
      )}
    >
      <TextArea label="Text" rows={4} value={text} onChange={setText} placeholder="A prompt and its response, as the model was trained on them" />
    </PredictForm>
  );
}

export const PREDICT_FORMS: Record<PlaygroundKind, (props: FormProps) => ReactNode> = {
  text_classification: ClassifyForm,
  question_answering: AnswerQuestionForm,
  sentence_similarity: SimilarityForm,
  generation: GenerateForm,
  reward_modeling: RewardForm,
};
