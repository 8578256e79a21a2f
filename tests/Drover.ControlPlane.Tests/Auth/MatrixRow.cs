using Drover.Api;

namespace Drover.ControlPlane.Auth.Tests;

/// <summary>One row of <see cref="AuthorizationMatrix"/>, parsed.</summary>
internal sealed record MatrixRow(ResourceType Type, string? Subresource, string Verb, string? Namespace, string Target, string? Query, IReadOnlyList<int?> Expected)
{
    /// <summary>The identities in the order of the table's columns.</summary>
    public static readonly string[] Columns = ["admin", "node", "ingress", "metrics", "bad-token", "no-token"];

    public static MatrixRow Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var halves = text.Split('|');
        var request = halves[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var expected = halves[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (halves.Length != 2 || request.Length != 6 || expected.Length != Columns.Length)
            throw new FormatException($"a matrix row is 6 words, '|', {Columns.Length} codes: \"{text}\"");
        var type = ResourceTypes.All.SingleOrDefault(t => t.Plural == request[0]) ?? throw new FormatException($"unknown resource {request[0]}");
        return new MatrixRow(type, Dash(request[1]), request[2], Dash(request[3]), request[4], Dash(request[5]),
            [.. expected.Select(e => e == "-" ? (int?)null : int.Parse(e, System.Globalization.CultureInfo.InvariantCulture))]);
    }

    private static string? Dash(string word) => word == "-" ? null : word;

    public override string ToString() =>
        $"{Verb} {Type.Plural}{(Subresource is null ? "" : "/" + Subresource)} {Target}{(Namespace is null ? "" : " in " + Namespace)}{(Query is null ? "" : " ?" + Query)}";
}
