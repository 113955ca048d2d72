"use client";
/**
 * A fine-tuning job at an OpenAI-compatible provider, below its job page: the provider, the base and
 * fine-tuned models, the latest training metrics, the provider's events as they arrive (followed
 * with a cursor while the job is live), and, once it succeeded, a chat with the fine-tuned model.
 * The page's own Cancel cancels the provider's job.
 */
import { useEffect, useState } from "react";
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { useAllows } from "~/components/auth/use-me";
import { ErrorMessage, inputClass, primaryButtonClass, Section } from "~/components/ui";

type ChatTurn = { role: "user" | "assistant"; content: string };
interface LoggedEvent {
  seq: number;
  time: string;
  text: string;
}

/** One stored event as a log line (provider messages, metrics, checkpoints, the end). */
function describe(event: Record<string, unknown>): string | null {
  switch (event.event) {
    case "message":
      return String(event.message);
    case "metrics":
      return `step ${String(event.step)} ${String(event.split)}: ${Object.entries(event.values as Record<string, number>)
        .map(([name, value]) => `${name} ${Number(value.toFixed(4))}`)
        .join(", ")}`;
    case "checkpoint":
      return `checkpoint at step ${String(event.step)}: ${String(event.path)}`;
    case "done":
      return `done: ${String(event.status)}`;
    case "error":
      return `error: ${String(event.message)}`;
    default:
      return null;
  }
}

export function FineTuneJob({ id }: { id: string }) {
  const trpc = useTRPC();
  const [cursor, setCursor] = useState(0);
  const [log, setLog] = useState<LoggedEvent[]>([]);
  const [metrics, setMetrics] = useState<Record<string, number>>({});
  const run = useQuery({
    ...trpc.openai.get.queryOptions({ id, after: cursor }, { placeholderData: keepPreviousData }),
    refetchInterval: (query) => (query.state.data && (query.state.data.state === "queued" || query.state.data.state === "running") ? 1000 : false),
  });
  const data = run.data;
  useEffect(() => {
    if (!data || data.events.length === 0) return;
    const lines = data.events.flatMap(({ seq, time, event }) => {
      const text = describe(event as unknown as Record<string, unknown>);
      return text === null ? [] : [{ seq, time, text }];
    });
    const lastTrain = data.events.flatMap(({ event }) => (event.event === "metrics" && event.split === "train" ? [event.values] : [])).at(-1);
    setLog((previous) => [...previous, ...lines.filter((line) => !previous.some((p) => p.seq === line.seq))]);
    if (lastTrain) setMetrics(lastTrain);
    setCursor(data.cursor);
  }, [data]);
  if (run.error) return <ErrorMessage title="Could not load the fine-tuning job" message={run.error.message} />;
  if (!data) return null;
  const model = data.result?.fineTunedModel ?? null;
  return (
    <Section id="openai-job" title={`Fine-tuning at ${data.provider}`}>
      <div className="space-y-4">
        <dl className="grid grid-cols-[10rem_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-500">Base model</dt>
          <dd className="font-mono">{data.baseModel}</dd>
          <dt className="text-slate-500">Fine-tuned model</dt>
          <dd className="font-mono" data-testid="fine-tuned-model">
            {model ?? "—"}
          </dd>
          {data.result?.providerJobId && (
            <>
              <dt className="text-slate-500">Provider&apos;s job</dt>
              <dd className="font-mono">{data.result.providerJobId}</dd>
            </>
          )}
          {Object.entries(metrics).map(([name, value]) => (
            <div key={name} className="contents">
              <dt className="text-slate-500">{name}</dt>
              <dd className="font-mono">{Number(value.toFixed(4))}</dd>
            </div>
          ))}
        </dl>
        <div>
          <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Events</h3>
          <ol aria-label="Provider events" className="max-h-64 overflow-y-auto rounded bg-slate-50 p-2 font-mono text-xs">
            {log.length === 0 && <li className="text-slate-500">none yet</li>}
            {log.map((line) => (
              <li key={line.seq}>
                <span className="text-slate-400">{line.time.slice(11, 19)}</span> {line.text}
              </li>
            ))}
          </ol>
        </div>
        {model && <FineTunedChat id={id} model={model} />}
      </div>
    </Section>
  );
}

/** A chat with the fine-tuned model: the whole conversation goes with each turn (bounded by the server). */
function FineTunedChat({ id, model }: { id: string; model: string }) {
  const trpc = useTRPC();
  const allowed = useAllows("member");
  const [turns, setTurns] = useState<ChatTurn[]>([]);
  const [system, setSystem] = useState("");
  const [draft, setDraft] = useState("");
  const chat = useMutation(trpc.openai.chat.mutationOptions());
  const send = () => {
    const content = draft.trim();
    if (!content) return;
    const next: ChatTurn[] = [...turns, { role: "user", content }];
    setTurns(next);
    setDraft("");
    chat.mutate(
      { id, messages: [...(system.trim() ? [{ role: "system" as const, content: system.trim() }] : []), ...next] },
      { onSuccess: (reply) => setTurns([...next, { role: "assistant", content: reply.content }]) },
    );
  };
  return (
    <div className="space-y-2" aria-label="Chat with the fine-tuned model" role="group">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Chat with {model}</h3>
      <input className={`${inputClass} w-full`} placeholder="System message (optional)" value={system} onChange={(event) => setSystem(event.target.value)} />
      <ol className="space-y-1 text-sm" data-testid="chat-turns">
        {turns.map((turn, index) => (
          <li key={index} className={turn.role === "user" ? "text-slate-900" : "rounded bg-indigo-50 px-2 py-1 text-indigo-900"}>
            <span className="mr-1 text-xs font-semibold uppercase text-slate-500">{turn.role}</span>
            {turn.content}
          </li>
        ))}
      </ol>
      <form
        className="flex gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          send();
        }}
      >
        <input className={`${inputClass} flex-1`} aria-label="Message" placeholder={allowed ? "Say something" : "Members may chat"} value={draft} maxLength={8000} disabled={!allowed} onChange={(event) => setDraft(event.target.value)} />
        <button type="submit" className={primaryButtonClass} disabled={!allowed || chat.isPending || !draft.trim()}>
          {chat.isPending ? "Sending…" : "Send"}
        </button>
      </form>
      {chat.error && <ErrorMessage title="The provider did not answer" message={chat.error.message} />}
    </div>
  );
}
