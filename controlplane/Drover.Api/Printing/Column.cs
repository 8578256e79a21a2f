using Drover.Api;

namespace Drover.Api.Printing;

/// <summary>One column of a `get` table: header, how to render a cell, and whether only `-o wide` shows it.</summary>
public sealed record Column(string Header, Func<KubeObject, DateTimeOffset, string> Value, bool WideOnly = false)
{
    public static Column Of<T>(string header, Func<T, string> value, bool wideOnly = false) where T : KubeObject =>
        new(header, (o, _) => value((T)o), wideOnly);

    public static Column Of<T>(string header, Func<T, DateTimeOffset, string> value, bool wideOnly = false) where T : KubeObject =>
        new(header, (o, now) => value((T)o, now), wideOnly);

    public static Column Name { get; } = new("NAME", (o, _) => o.Metadata.Name ?? "");

    public static Column Age { get; } = new("AGE", (o, now) => HumanDuration.Since(o.Metadata.CreationTimestamp, now));
}
