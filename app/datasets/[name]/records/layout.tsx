import { Suspense, type ReactNode } from "react";
import { RecordWalker } from "~/components/records/record-page";
import { decodeSegment } from "~/components/format";
import { Loading } from "~/components/ui";

export default async function RecordsLayout({ params, children }: { params: Promise<{ name: string }>; children: ReactNode }) {
  const { name } = await params;
  // Stays mounted while j / k move between records; reads the view from the query string.
  return (
    <Suspense fallback={<Loading />}>
      <RecordWalker name={decodeSegment(name)}>{children}</RecordWalker>
    </Suspense>
  );
}
