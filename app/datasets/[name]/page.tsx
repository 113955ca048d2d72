import { Suspense } from "react";
import { DatasetPage } from "~/components/datasets/dataset-page";
import { decodeSegment } from "~/components/format";
import { Loading } from "~/components/ui";

export default async function Page({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  // The records view reads the URL's query string (useSearchParams): it renders in the browser.
  return (
    <Suspense fallback={<Loading />}>
      <DatasetPage name={decodeSegment(name)} />
    </Suspense>
  );
}
