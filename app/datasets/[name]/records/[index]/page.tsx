import { notFound } from "next/navigation";
import { RecordBody } from "~/components/records/record-page";
import { decodeSegment } from "~/components/format";

export default async function RecordPage({ params }: { params: Promise<{ name: string; index: string }> }) {
  const { name, index } = await params;
  if (!/^\d+$/.test(index)) notFound();
  return <RecordBody name={decodeSegment(name)} index={Number(index)} />;
}
