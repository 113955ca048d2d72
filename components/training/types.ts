/** Shapes of the training procedures as the browser receives them (inferred from the router). */
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "~/server/api/root";

type Outputs = inferRouterOutputs<AppRouter>;
type Inputs = inferRouterInputs<AppRouter>;

export type TrainingOptions = Outputs["training"]["options"];
export type TaskAvailability = TrainingOptions["tasks"][number];
export type SlotInfo = TaskAvailability["modes"]["template"]["slots"][number];
export type PreviewOutput = Outputs["training"]["preview"];
export type PreviewRecord = PreviewOutput["records"][number];
export type FormattedRecord = NonNullable<PreviewOutput["formatted"]>["records"][number];
export type DiagnosticsOutput = Outputs["training"]["diagnostics"];
export type DiagnosticsReport = NonNullable<DiagnosticsOutput["report"]>;
export type PreviewInput = Inputs["training"]["preview"];
export type RecordCursor = NonNullable<PreviewInput["cursor"]>;
export type DatasetDetail = Outputs["datasets"]["get"];
export type DatasetSettings = DatasetDetail["settings"];
export type PreflightAnswer = Outputs["trainingRuns"]["preflight"];
export type TrainingRunDetail = Outputs["trainingRuns"]["get"];
