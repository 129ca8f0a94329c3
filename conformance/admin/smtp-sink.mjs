// A loopback SMTP server for the admin suite: appends one JSON line per message to $1, prints its port.
import { appendFileSync } from 'node:fs';
import process from 'node:process';
import { SMTPServer } from 'smtp-server';

const out = process.argv[2];
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, session, callback) {
    let raw = '';
    stream.on('data', (c) => (raw += c.toString()));
    stream.on('end', () => {
      const to = session.envelope.rcptTo.map((r) => r.address);
      const subject = /^Subject: (.*)$/m.exec(raw)?.[1] ?? '';
      appendFileSync(out, JSON.stringify({ to, subject, body: raw }) + '\n');
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
