"use client";
/**
 * Fine-tune at an OpenAI-compatible provider, from the task builder when the framework is `openai`:
 * the provider (names from the settings; an admin adds them), the base model and the
 * hyperparameters, "Check the rows" (what a start would upload, checked by the provider's rules,
 * each error with its line), and Start, which queues the job and opens its page.
 */
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/components/trpc";
import { useAllows } from "~/components/auth/use-me";
import { cx, ErrorMessage, inputClass, primaryButtonClass, buttonClass, Section } from "~/components/ui";
import { splitInput } from "~/components/training/builder-requests";
import type { SplitSettings, TaskJson } from "~/components/training/builder-state";
import { DEFAULT_FORM, fineTuneRequest, type FineTuneFormValues } from "./fine-tune-form";

const FIELDS: { key: keyof FineTuneFormValues; label: string; placeholder: string }[] = [
  { key: "model", label: "Base model", placeholder: "gpt-4o-mini-2024-07-18" },
  { key: "nEpochs", label: "Epochs", placeholder: "auto" },
  { key: "batchSize", label: "Batch size", placeholder: "auto" },
  { key: "learningRateMultiplier", label: "Learning rate multiplier", placeholder: "auto" },
  { key: "suffix", label: "Suffix", placeholder: "optional, ≤ 64 characters" },
  { key: "seed", label: "Seed", placeholder: "optional" },
  { key: "maxTokensPerExample", label: "Token limit per example", placeholder: "the base model's, where known" },
];

export function FineTunePanel({ dataset, task, split }: { dataset: string; task: TaskJson; split: SplitSettings }) {
  const trpc = useTRPC();
  const router = useRouter();
  const mayStart = useAllows("member");
  const providers = useQuery(trpc.openai.providers.queryOptions());
  const [values, setValues] = useState<FineTuneFormValues>(DEFAULT_FORM);
  const provider = values.provider || providers.data?.[0] || "";
  const request = fineTuneRequest({ ...values, provider }, { dataset, task, options: splitInput(split) });
  const [checked, setChecked] = useState<string | null>(null);
  const check = useQuery({ ...trpc.openai.check.queryOptions(request), enabled: checked !== null && checked === JSON.stringify(request) });
  const start = useMutation(trpc.openai.start.mutationOptions({ onSuccess: ({ id }) => router.push(`/jobs/${id}`) }));
  const validation = check.data?.validation;

  return (
    <Section id="openai-fine-tune" title="Fine-tune at an OpenAI-compatible provider">
      {providers.data?.length === 0 ? (
        <p className="text-sm text-slate-600">No provider is set up. An admin adds one (name, base URL, API key) on the Secrets page.</p>
      ) : (
        <form
          className="space-y-3"
          aria-label="Fine-tuning settings"
          onSubmit={(event) => {
            event.preventDefault();
            start.mutate(request);
          }}
        >
          <div className="grid gap-2 sm:grid-cols-2">
            <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
              Provider
              <select className={inputClass} value={provider} onChange={(event) => setValues({ ...values, provider: event.target.value })}>
                {(providers.data ?? []).map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
            {FIELDS.map((field) => (
              <label key={field.key} className="flex flex-col gap-1 text-xs font-medium text-slate-700">
                {field.label}
                <input className={inputClass} value={values[field.key]} placeholder={field.placeholder} onChange={(event) => setValues({ ...values, [field.key]: event.target.value })} />
              </label>
            ))}
          </div>
          <div className="flex flex-wrap gap-2">
            <button type="button" className={buttonClass} onClick={() => setChecked(JSON.stringify(request))} disabled={check.isFetching}>
              {check.isFetching ? "Checking…" : "Check the rows"}
            </button>
            <button type="submit" className={primaryButtonClass} disabled={!mayStart || start.isPending || !provider}>
              {start.isPending ? "Starting…" : "Start fine-tuning"}
            </button>
          </div>
          {start.error && <ErrorMessage title="Not started" message={start.error.message} testId="openai-start-error" />}
          {check.error && <ErrorMessage title="Could not check" message={check.error.message} />}
          {check.data?.error && <ErrorMessage title="Not accepted" message={`${check.data.error.field}: ${check.data.error.reason}`} testId="openai-check-refused" />}
          {validation && (
            <div data-testid="openai-check" className={cx("rounded-md border px-3 py-2 text-sm", validation.errors.length ? "border-red-300 bg-red-50" : "border-emerald-300 bg-emerald-50")}>
              {validation.errors.length === 0 ? (
                <p>
                  {validation.examples} examples pass the provider&apos;s checks
                  {validation.tokenLimit ? ` (longest about ${validation.longestExampleTokens} of ${validation.tokenLimit} tokens)` : ""}.
                </p>
              ) : (
                <>
                  <p className="font-semibold text-red-800">{validation.errors.length + validation.moreErrors} problems in train.jsonl</p>
                  <ul className="mt-1 list-disc pl-5 font-mono text-xs text-red-800">
                    {validation.errors.map((error, index) => (
                      <li key={index}>{error.message}</li>
                    ))}
                    {validation.moreErrors > 0 && <li>and {validation.moreErrors} more</li>}
                  </ul>
                </>
              )}
            </div>
          )}
        </form>
      )}
    </Section>
  );
}
