// Every project's tests share one generous timeout: they start real processes and loopback servers.
jest.setTimeout(60000);
