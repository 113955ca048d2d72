"use client";
/** A dataset's settings (argilla.yaml): fields, questions, metadata properties, guidelines. */
import type { DatasetSettings, FieldSettings, MetadataProperty, QuestionSettings } from "~/server/feedback/schema";
import { Markdown } from "~/components/markdown";
import { questionOptionList } from "~/components/question-options";
import { Chip } from "~/components/ui";

export const QUESTION_TYPE_NAMES: Record<QuestionSettings["type"], string> = {
  label_selection: "label",
  multi_label_selection: "multi-label",
  rating: "rating",
  ranking: "ranking",
  text: "text",
  span: "span",
};

export function SettingsPanel({ settings }: { settings: DatasetSettings }) {
  const metadata = settings.metadata_properties ?? [];
  const summary = [
    `${settings.fields.length} field${settings.fields.length === 1 ? "" : "s"}`,
    `${settings.questions.length} question${settings.questions.length === 1 ? "" : "s"}`,
    metadata.length ? `${metadata.length} metadata propert${metadata.length === 1 ? "y" : "ies"}` : null,
    settings.guidelines ? "guidelines" : null,
  ].filter(Boolean);
  return (
    <section aria-labelledby="settings-title" className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <details className="group">
        <summary className="flex cursor-pointer list-none items-center gap-3 px-4 py-2.5 marker:hidden">
          <span aria-hidden className="text-slate-400 transition-transform group-open:rotate-90">▸</span>
          <h2 id="settings-title" className="text-sm font-semibold text-slate-800">
            Settings
          </h2>
          <span className="text-xs text-slate-500">{summary.join(" · ")}</span>
        </summary>
        <div className="grid gap-6 border-t border-slate-100 p-4 lg:grid-cols-2">
          <div className="space-y-6">
            <SettingsGroup title="Fields">
              {settings.fields.map((field) => (
                <FieldItem key={field.name} field={field} />
              ))}
            </SettingsGroup>
            {metadata.length > 0 && (
              <SettingsGroup title="Metadata properties">
                {metadata.map((property) => (
                  <MetadataItem key={property.name} property={property} />
                ))}
              </SettingsGroup>
            )}
          </div>
          <SettingsGroup title="Questions">
            {settings.questions.map((question) => (
              <QuestionItem key={question.name} question={question} />
            ))}
          </SettingsGroup>
          {settings.guidelines && (
            <div className="lg:col-span-2">
              <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Guidelines</h3>
              <Markdown className="max-h-96 overflow-auto rounded-md border border-slate-100 bg-slate-50 p-3">{settings.guidelines}</Markdown>
            </div>
          )}
        </div>
      </details>
    </section>
  );
}

function SettingsGroup({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div>
      <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{title}</h3>
      <ul className="divide-y divide-slate-100">{children}</ul>
    </div>
  );
}

function ItemTitle({ title, name, children }: { title: string; name: string; children?: React.ReactNode }) {
  return (
    <div className="flex flex-wrap items-center gap-1.5">
      <span className="font-medium text-slate-800">{title || name}</span>
      {title && title !== name && <span className="font-mono text-xs text-slate-400">{name}</span>}
      {children}
    </div>
  );
}

function FieldItem({ field }: { field: FieldSettings }) {
  return (
    <li className="py-1.5 text-sm">
      <ItemTitle title={field.title} name={field.name}>
        <Chip>{field.required ? "required" : "optional"}</Chip>
        {field.use_markdown && <Chip tone="indigo">markdown</Chip>}
      </ItemTitle>
    </li>
  );
}

function QuestionItem({ question }: { question: QuestionSettings }) {
  return (
    <li className="space-y-1 py-1.5 text-sm">
      <ItemTitle title={question.title} name={question.name}>
        <Chip tone="indigo">{QUESTION_TYPE_NAMES[question.type]}</Chip>
        <Chip>{question.required ? "required" : "optional"}</Chip>
      </ItemTitle>
      {question.description && <p className="text-xs text-slate-600">{question.description}</p>}
      <QuestionOptions question={question} />
    </li>
  );
}

/** Labels/values; dict labels (value → title) show both, since records store the value. */
function QuestionOptions({ question }: { question: QuestionSettings }) {
  if (question.type === "text") return question.use_markdown ? <p className="text-xs text-slate-500">Answers are Markdown.</p> : null;
  return (
    <div className="flex flex-wrap gap-1">
      {question.type === "span" && <span className="text-xs text-slate-500">on field {question.field}:</span>}
      {questionOptionList(question).map((o) => (
        <Chip key={o.value}>
          <span className="font-mono">{o.value}</span>
          {o.title && <span className="font-normal text-slate-500">→ {o.title}</span>}
        </Chip>
      ))}
    </div>
  );
}

function MetadataItem({ property }: { property: MetadataProperty }) {
  return (
    <li className="space-y-1 py-1.5 text-sm">
      <ItemTitle title={property.title ?? ""} name={property.name}>
        <Chip tone="indigo">{property.type}</Chip>
        {!property.visible_for_annotators && <Chip tone="grey">hidden from annotators</Chip>}
      </ItemTitle>
      {property.type === "terms" ? (
        property.values ? (
          <div className="flex flex-wrap gap-1">
            {property.values.map((v) => (
              <Chip key={v}>{v}</Chip>
            ))}
          </div>
        ) : (
          <p className="text-xs text-slate-500">any value</p>
        )
      ) : (
        <p className="text-xs text-slate-600">
          range <span className="font-mono">{property.min ?? "−∞"}</span> – <span className="font-mono">{property.max ?? "∞"}</span>
        </p>
      )}
    </li>
  );
}
