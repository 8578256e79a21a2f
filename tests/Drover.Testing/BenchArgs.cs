namespace Drover.Testing;

/// <summary>The benchmark drivers' command line: <c>--name value</c> pairs in any order.</summary>
public static class BenchArgs
{
    /// <summary>The value after <paramref name="name"/>, or <paramref name="fallback"/> when the option is absent.</summary>
    public static string? Value(string[] args, string name, string? fallback)
    {
        ArgumentNullException.ThrowIfNull(args);
        var at = Array.IndexOf(args, name);
        if (at < 0)
            return fallback;
        return at + 1 < args.Length ? args[at + 1] : throw new ArgumentException($"{name} needs a value");
    }
}
