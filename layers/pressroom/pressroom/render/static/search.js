// The search page: runs the site's Pagefind index in the reader's browser (no server of ours
// answers queries). Loaded only by /search/; the header's form is a plain GET to /search/?q=.
// Everything shown is set as text (excerpts keep only Pagefind's <mark> highlights), as the
// site's Content-Security-Policy allows no inline script and no other origin.

const PAGE = 10;
const form = document.querySelector(".search-form");
const input = document.getElementById("search-query");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
let pagefind = null;
let shown = [];
let latest = 0;

async function engine() {
  if (pagefind === null) {
    pagefind = await import("/pagefind/pagefind.js");
    await pagefind.options({ excerptLength: 24 });
    await pagefind.init();
  }
  return pagefind;
}

// Pagefind's excerpt is HTML: keep its text and <mark> elements, nothing else.
function excerptNodes(html) {
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const out = document.createElement("p");
  out.className = "search-excerpt";
  for (const node of parsed.body.firstChild.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(document.createTextNode(node.textContent));
    }
  }
  return out;
}

function item(data) {
  const li = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  const url = new URL(data.url, location.origin);
  link.href = url.origin === location.origin ? url.pathname : "/";
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  li.append(heading);
  if (data.meta.date) {
    const time = document.createElement("time");
    time.dateTime = data.meta.date;
    time.textContent = data.meta.date;
    li.append(time);
  }
  li.append(excerptNodes(data.excerpt || ""));
  return li;
}

async function showMore(more) {
  const next = shown.splice(0, PAGE);
  const items = await Promise.all(next.map((result) => result.data()));
  for (const data of items) list.append(item(data));
  more.hidden = shown.length === 0;
}

async function run(query) {
  const ticket = ++latest;
  const url = new URL(location.href);
  if (query) url.searchParams.set("q", query);
  else url.searchParams.delete("q");
  history.replaceState(null, "", url);
  list.replaceChildren();
  document.querySelectorAll(".search-more").forEach((button) => button.remove());
  if (!query.trim()) {
    status.textContent = "";
    return;
  }
  status.textContent = "Searching…";
  let search;
  try {
    search = await (await engine()).debouncedSearch(query, {}, 150);
  } catch (error) {
    status.textContent = "Search is not available right now.";
    throw error;
  }
  if (search === null || ticket !== latest) return; // a newer query superseded this one
  const count = search.results.length;
  status.textContent =
    count === 0
      ? `No articles match “${query}”.`
      : `${count} article${count === 1 ? " matches" : "s match"} “${query}”.`;
  shown = search.results.slice();
  const more = document.createElement("button");
  more.type = "button";
  more.className = "search-more";
  more.textContent = "More results";
  more.addEventListener("click", () => showMore(more));
  await showMore(more);
  if (ticket === latest && !more.hidden) list.after(more);
}

const initial = new URLSearchParams(location.search).get("q") || "";
input.value = initial;
input.addEventListener("input", () => run(input.value));
form.addEventListener("submit", (event) => {
  event.preventDefault();
  run(input.value);
});
if (initial) run(initial);
