// A receiver's check, done by the reference library (npm `standardwebhooks`):
// reads {"secret", "headers", "body_base64"} as JSON on stdin and prints
// {"verified": true} or {"verified": false, "error": "..."}.
const { Webhook } = require("standardwebhooks");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { secret, headers, body_base64 } = JSON.parse(input);
  try {
    new Webhook(secret).verify(Buffer.from(body_base64, "base64"), headers);
    process.stdout.write(JSON.stringify({ verified: true }));
  } catch (error) {
    process.stdout.write(JSON.stringify({ verified: false, error: String(error.message) }));
  }
});
