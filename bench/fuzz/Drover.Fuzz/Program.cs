using Drover.Fuzz;

// drover fuzz harness: `Drover.Fuzz TARGET` runs under afl-fuzz (SharpFuzz's out-of-process loop);
// `Drover.Fuzz TARGET --replay FILE...` runs the given inputs in process and reports the first failure.
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: Drover.Fuzz TARGET [--replay FILE...]; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
    return 2;
}

if (args.Length > 1 && args[1] == "--replay")
{
    var failures = 0;
    foreach (var file in args.Skip(2))
    {
        try
        {
            target(File.ReadAllBytes(file));
        }
        catch (Exception e)
        {
            failures++;
            Console.Error.WriteLine($"{file}: {e}");
        }
    }
    Console.WriteLine($"{args[0]}: {args.Length - 2 - failures} inputs passed, {failures} failed");
    return failures == 0 ? 0 : 1;
}

SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target(buffer.ToArray());
});
return 0;
