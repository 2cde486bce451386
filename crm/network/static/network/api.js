// Calls to /api/v1 with the key in the Authorization header (never in a URL); failures
// become ApiErrors that carry a German sentence.
import { ApiError, UNREACHABLE, germanProblem } from "./german.js";

export function client(key) {
  async function get(path) {
    let response;
    try {
      response = await fetch(path, {
        headers: { Authorization: "Bearer " + key, Accept: "application/json" },
      });
    } catch {
      throw new ApiError(UNREACHABLE);
    }
    if (!response.ok) throw new ApiError(germanProblem(response.status, response.headers.get("Retry-After")));
    return response.json();
  }

  // Every entry of a list, page after page.
  async function all(path) {
    const entries = [];
    for (let page = 1; ; page++) {
      const separator = path.includes("?") ? "&" : "?";
      const answer = await get(`${path}${separator}page_size=100&page=${page}`);
      entries.push(...answer.data);
      if (page >= answer.pagination.total_pages) return entries;
    }
  }

  return { get, all };
}
