"use client";
/** The chat messages list: role + content template, or a conversation inserted from a field. */
import { cx } from "~/components/ui";
import { CHAT_ROLE_LIST, type ChatRole, type MessageSpec, type TemplateSpec } from "./builder-state";
import { placeholder } from "./task-editing";
import { selectBase, smallButtonClass } from "./controls";
import { TemplateSlotEditor, type PlaceholderInfo } from "./template-editor";

const FROM_FIELD = "__from_field";

export function MessagesEditor({
  messages,
  onChange,
  placeholders,
  fields,
  rankings,
  rankingValues,
}: {
  messages: MessageSpec[];
  onChange: (messages: MessageSpec[]) => void;
  placeholders: PlaceholderInfo[];
  fields: string[];
  rankings: string[];
  rankingValues: Map<string, string[]>;
}) {
  const update = (i: number, message: MessageSpec) => onChange(messages.map((m, j) => (j === i ? message : m)));
  const move = (i: number, by: number) => {
    const next = [...messages];
    const [item] = next.splice(i, 1);
    next.splice(i + by, 0, item!);
    onChange(next);
  };
  const nextRole = (): ChatRole => {
    const last = [...messages].reverse().find((m): m is { role: ChatRole; content: TemplateSpec } => "role" in m);
    return last?.role === "user" ? "assistant" : "user";
  };
  return (
    <div className="space-y-2">
      <ol className="space-y-2">
        {messages.map((message, i) => {
          const n = i + 1;
          const fromField = "from_field" in message;
          return (
            <li key={i} className="rounded-md border border-slate-200 bg-white p-2 shadow-sm">
              <div className="mb-1.5 flex items-center gap-1.5">
                <span className="w-4 shrink-0 text-right text-[11px] font-semibold tabular-nums text-slate-400">{n}</span>
                <select
                  aria-label={`Message ${n} role`}
                  value={fromField ? FROM_FIELD : message.role}
                  onChange={(e) => {
                    const value = e.target.value;
                    if (value === FROM_FIELD) update(i, { from_field: fields[0] ?? "" });
                    else update(i, { role: value as ChatRole, content: fromField ? placeholder(fields[0] ?? "text") : message.content });
                  }}
                  className={cx(selectBase, "w-28 shrink-0 text-xs")}
                >
                  {CHAT_ROLE_LIST.map((role) => (
                    <option key={role} value={role}>
                      {role}
                    </option>
                  ))}
                  <option value={FROM_FIELD}>from field</option>
                </select>
                {fromField && (
                  <select
                    aria-label={`Message ${n} field`}
                    value={message.from_field}
                    onChange={(e) => update(i, { from_field: e.target.value })}
                    className={cx(selectBase, "min-w-0 flex-1 text-xs")}
                  >
                    {fields.map((f) => (
                      <option key={f} value={f}>
                        {f}
                      </option>
                    ))}
                  </select>
                )}
                <span className="ml-auto flex gap-1">
                  <button type="button" className={smallButtonClass} disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move message ${n} up`}>
                    ↑
                  </button>
                  <button
                    type="button"
                    className={smallButtonClass}
                    disabled={i === messages.length - 1}
                    onClick={() => move(i, 1)}
                    aria-label={`Move message ${n} down`}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className={smallButtonClass}
                    disabled={messages.length === 1}
                    onClick={() => onChange(messages.filter((_, j) => j !== i))}
                    aria-label={`Remove message ${n}`}
                  >
                    ✕
                  </button>
                </span>
              </div>
              {fromField ? (
                <p className="text-[11px] leading-snug text-slate-500">
                  Inserts the conversation this field holds (a JSON list of <code>{"{role, content}"}</code> messages) here, in order.
                </p>
              ) : (
                <TemplateSlotEditor
                  bare
                  name={`message ${n}`}
                  spec={message.content}
                  onChange={(content) => update(i, { role: message.role, content })}
                  placeholders={placeholders}
                  rankings={rankings}
                  rankingValues={rankingValues}
                />
              )}
            </li>
          );
        })}
      </ol>
      <div className="flex gap-1.5">
        <button type="button" className={smallButtonClass} onClick={() => onChange([...messages, { role: nextRole(), content: "" }])}>
          + Message
        </button>
        <button type="button" className={smallButtonClass} onClick={() => onChange([...messages, { from_field: fields[0] ?? "" }])} disabled={!fields.length}>
          + Conversation from field
        </button>
      </div>
    </div>
  );
}
