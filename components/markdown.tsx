/**
 * Markdown as Argilla shows it (fields with use_markdown, guidelines). No raw HTML: react-markdown
 * escapes it. Images load only when they are inline data (`data:image/…`): a remote image would
 * tell its host who reads the record and when (the CSP's img-src refuses it too), so it shows as
 * a link the reader may follow.
 */
import ReactMarkdown, { defaultUrlTransform, type Components, type UrlTransform } from "react-markdown";
import { cx } from "./ui";

const INLINE_IMAGE = /^data:image\//i;

/** react-markdown's safe protocols, plus inline images (which it drops by default). */
const urlTransform: UrlTransform = (url, key) => (key === "src" && INLINE_IMAGE.test(url) ? url : defaultUrlTransform(url));

const components: Components = {
  img: ({ src, alt }) => {
    if (typeof src === "string" && INLINE_IMAGE.test(src)) return <img src={src} alt={alt ?? ""} className="max-w-full" />;
    const label = `Image${alt ? `: ${alt}` : ""} (not loaded)`;
    if (!src) return <span className="text-slate-500">[{label}]</span>;
    return (
      <a href={String(src)} target="_blank" rel="noopener noreferrer nofollow" title={String(src)} className="text-slate-500">
        [{label}]
      </a>
    );
  },
};

export function Markdown({ children, className }: { children: string; className?: string }) {
  return (
    <div className={cx("markdown break-words text-sm leading-relaxed", className)}>
      <ReactMarkdown urlTransform={urlTransform} components={components}>
        {children}
      </ReactMarkdown>
    </div>
  );
}
