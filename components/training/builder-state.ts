/**
 * The task builder's state: the task JSON being edited, the framework, split settings and preview
 * view, their defaults, and the labels the form shows. Its helpers live beside it by what they do:
 * task-editing.ts (reading and changing the task JSON), builder-url.ts (the state in the URL),
 * builder-requests.ts (what the builder sends), starting-tasks.ts and example-functions.ts (starting
 * points from a dataset's own names). No React, no server imports other than types.
 */
import type { StatusFilter } from "~/server/feedback/schema";
import type { ChatRole, MessageSpec, ResponsesMode, TaskKind, TaskMode, TemplateSpec } from "~/server/training/tasks/schema";
import type { Framework } from "~/server/training/frameworks/types";

export type { ChatRole, MessageSpec, ResponsesMode, TaskKind, TaskMode, TemplateSpec, Framework };

export const MODE_LABELS: Record<TaskMode, string> = { default: "Default", template: "Template", function: "Formatting function" };
export const RESPONSES_MODE_LIST: { value: ResponsesMode; label: string }[] = [
  { value: "unified", label: "Unified (strategy per question)" },
  { value: "first_submitted", label: "First submitted response" },
  { value: "each_submitted", label: "Each submitted response (one row each)" },
];
export const CHAT_ROLE_LIST: ChatRole[] = ["system", "user", "assistant"];
export type FunctionLanguage = "javascript" | "typescript";

/** The task as JSON, loosely typed: it is edited field by field and validated by the server. */
export type TaskJson = { task: TaskKind; mode: TaskMode } & Record<string, unknown>;

export interface SplitSettings {
  /** Fraction of rows for training, (0, 1]. */
  trainSize: number;
  /** Fraction for testing; null: 1 - trainSize. */
  testSize: number | null;
  seed: number;
  maxRecords: number | null;
  /** Keep records with a response of one of these statuses; empty: no filter. */
  statuses: StatusFilter[];
}

export interface PreviewView {
  mode: "page" | "sample";
  sampleSeed: number;
}

export interface BuilderState {
  task: TaskJson;
  framework: Framework;
  split: SplitSettings;
  crossEncoder: boolean;
  view: PreviewView;
}

export const DEFAULT_SPLIT: SplitSettings = { trainSize: 0.8, testSize: null, seed: 42, maxRecords: null, statuses: [] };
export const DEFAULT_VIEW: PreviewView = { mode: "page", sampleSeed: 1 };
