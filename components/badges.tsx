/** Status and agreement badges: one colour scheme for the list and the record view. */
import type { StatusFilter } from "~/server/feedback/schema";
import type { AgreementLevel } from "./agreement";
import { Chip, type ChipTone } from "./ui";

const STATUS_TONES: Record<StatusFilter, ChipTone> = {
  submitted: "green",
  draft: "amber",
  discarded: "grey",
  pending: "slate",
};

export function StatusBadge({ status, count }: { status: StatusFilter; count?: number }) {
  return (
    <Chip tone={STATUS_TONES[status]}>
      {count !== undefined && <span className="tabular-nums">{count}</span>}
      {status}
    </Chip>
  );
}

const AGREEMENT: Record<AgreementLevel, { tone: ChipTone; label: string; title: string }> = {
  unanimous: { tone: "green", label: "unanimous", title: "All submitted answers are equal" },
  majority: { tone: "sky", label: "majority", title: "One answer is held by more than half of the submitted responses" },
  split: { tone: "red", label: "split", title: "No answer is held by more than half of the submitted responses" },
  single: { tone: "slate", label: "single", title: "Only one submitted answer" },
  none: { tone: "grey", label: "no answers", title: "No submitted answers" },
};

export function AgreementBadge({ level, detail }: { level: AgreementLevel; detail?: string }) {
  const { tone, label, title } = AGREEMENT[level];
  return (
    <Chip tone={tone} title={title}>
      <span className="sr-only">agreement: </span>
      {label}
      {detail && <span className="font-normal opacity-75">{detail}</span>}
    </Chip>
  );
}
