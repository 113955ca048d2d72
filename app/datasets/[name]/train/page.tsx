import type { Metadata } from "next";
import { Suspense } from "react";
import { TaskBuilderPage } from "~/components/training/task-builder";
import { Loading } from "~/components/ui";

type Params = Promise<{ name: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { name } = await params;
  return { title: `Train / prepare · ${decodeURIComponent(name)} · Feedback Studio` };
}

export default async function Page({ params }: { params: Params }) {
  const { name } = await params;
  // The builder keeps its state in the query string (useSearchParams): it renders in the browser.
  return (
    <Suspense fallback={<Loading label="Loading the task builder…" />}>
      <TaskBuilderPage name={decodeURIComponent(name)} />
    </Suspense>
  );
}
