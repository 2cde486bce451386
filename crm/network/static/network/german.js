// How the map says things to a German reader: dates as dd.mm.yyyy, the API's errors in
// German (its own messages are English, for developers), language codes by their names.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const BERLIN = new Intl.DateTimeFormat("de-DE", {
  timeZone: "Europe/Berlin", day: "2-digit", month: "2-digit", year: "numeric",
});
const LANGUAGES = new Intl.DisplayNames(["de"], { type: "language" });

// A calendar date ("2016-05-01") as it is; an instant ("...T20:24:28Z") on Berlin's calendar.
export function germanDate(value) {
  if (!value) return "";
  const date = ISO_DATE.exec(value);
  return date ? `${date[3]}.${date[2]}.${date[1]}` : BERLIN.format(new Date(value));
}

export function languageName(code) {
  try {
    return LANGUAGES.of(code);
  } catch {
    return code;
  }
}

const PROBLEMS = {
  400: "Die Anfrage ist ungültig.",
  401: "Der API-Schlüssel ist unbekannt oder widerrufen.",
  403: "Dieser API-Schlüssel darf das nicht lesen.",
  404: "Der Datensatz wurde nicht gefunden.",
  422: "Die Angaben sind ungültig.",
};

export class ApiError extends Error {}

// The German sentence for an API error answer (`retryAfter`: its Retry-After header).
export function germanProblem(status, retryAfter) {
  if (status === 429) {
    const wait = retryAfter ? ` in ${retryAfter} Sekunden` : " gleich";
    return `Zu viele Anfragen: bitte${wait} erneut versuchen.`;
  }
  if (status >= 500) return "Der Server konnte die Anfrage nicht bearbeiten; bitte später erneut versuchen.";
  return PROBLEMS[status] || `Die Anfrage wurde abgelehnt (HTTP ${status}).`;
}

export const UNREACHABLE = "Der Server ist nicht erreichbar.";
