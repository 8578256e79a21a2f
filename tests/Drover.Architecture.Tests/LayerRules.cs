namespace Drover.Architecture.Tests;

/// <summary>
/// The modules of one daemon and which module may use which. A module is a namespace and those below it, except
/// the first one given (the daemon's root namespace), which holds only itself; a namespace under the root that no
/// module claims is reported, so a new folder cannot slip past the rules. Any other edge between two modules is a
/// layering violation.
/// </summary>
internal sealed class LayerRules
{
    private readonly string _root;
    private readonly string[] _modules;
    private readonly HashSet<(string From, string To)> _allowed = [];

    public LayerRules(string root, params string[] modules)
    {
        _root = root;
        _modules = [.. modules.OrderByDescending(m => m.Length)];
    }

    public LayerRules Allow(string from, params string[] to)
    {
        foreach (var target in to)
            _allowed.Add((from, target));
        return this;
    }

    /// <summary>Every edge of <paramref name="graph"/> between two modules that the rules do not allow, with examples.</summary>
    public IReadOnlyList<string> Violations(NamespaceGraph graph)
    {
        var found = new List<string>();
        foreach (var ns in graph.Edges.SelectMany(e => new[] { e.From, e.To }).Distinct().Order(StringComparer.Ordinal))
            if (ns.StartsWith(_root + ".", StringComparison.Ordinal) && ModuleOf(ns) is null)
                found.Add($"{ns} belongs to no module: add it to the layering rules");
        foreach (var (from, to) in graph.Edges.OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal))
        {
            var a = ModuleOf(from);
            var b = ModuleOf(to);
            if (a is null || b is null || a == b || _allowed.Contains((a, b)))
                continue;
            found.Add($"{a} -> {b}: {string.Join("; ", graph.Examples(from, to))}");
        }
        return found;
    }

    private string? ModuleOf(string ns) =>
        ns == _root ? _root : _modules.FirstOrDefault(m => ns == m || ns.StartsWith(m + ".", StringComparison.Ordinal));
}
