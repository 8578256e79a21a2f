using System.Globalization;
using System.Text;
using Drover.Store;

// Usage: Drover.Store.CrashWriter <database path> [concurrent writers]
// Prints "ready" once the store is open, then one line per key whose CreateAsync has completed, i.e. that the
// store acknowledged as durable. Runs until killed: the test kills it with SIGKILL mid-stream.
if (args.Length < 1)
{
    await Console.Error.WriteLineAsync("usage: Drover.Store.CrashWriter <database path> [writers]");
    return 2;
}

var writers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
var store = await SqliteStore.OpenAsync(args[0]);

// Console.Out is synchronized and flushes every line, so a printed key is in the pipe before the next write starts.
var output = Console.Out;
output.WriteLine("ready");
var next = 0;
var loops = new Task[writers];
for (var w = 0; w < writers; w++)
{
    loops[w] = Task.Run(async () =>
    {
        while (true)
        {
            var key = "/crash/" + Interlocked.Increment(ref next).ToString("D9", CultureInfo.InvariantCulture);
            await store.CreateAsync(key, Encoding.UTF8.GetBytes(key));
            output.WriteLine(key);
        }
    });
}

await Task.WhenAll(loops);
return 0;
