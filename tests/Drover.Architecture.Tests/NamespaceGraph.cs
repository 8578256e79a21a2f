using Mono.Cecil;

namespace Drover.Architecture.Tests;

/// <summary>
/// Which namespace uses which, read from a compiled assembly's IL: base types, interfaces, fields, signatures,
/// locals and every type, method and field a method body touches (so a fully qualified name or a `var` cannot
/// hide an edge, as a scan of `using` lines would). A nested type (a lambda's closure, an async state machine)
/// counts as part of the type that declares it.
/// </summary>
internal sealed class NamespaceGraph
{
    private readonly Dictionary<(string From, string To), List<string>> _edges = [];

    private NamespaceGraph()
    {
    }

    public IEnumerable<(string From, string To)> Edges => _edges.Keys;

    /// <summary>Examples of the types behind an edge ("A.B uses C.D"), for a readable failure.</summary>
    public IReadOnlyList<string> Examples(string from, string to) => _edges.TryGetValue((from, to), out var list) ? list : [];

    public static NamespaceGraph Of(string assemblyPath)
    {
        var graph = new NamespaceGraph();
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        foreach (var type in module.GetTypes())
            graph.AddType(type);
        return graph;
    }

    private void AddType(TypeDefinition type)
    {
        var from = NamespaceOf(type);
        if (string.IsNullOrEmpty(from))
            return;
        var owner = Outermost(type).FullName;
        foreach (var used in TypeUses.Of(type))
        {
            var to = NamespaceOf(used);
            if (string.IsNullOrEmpty(to) || to == from)
                continue;
            if (!_edges.TryGetValue((from, to), out var examples))
                _edges[(from, to)] = examples = [];
            var example = $"{owner} uses {Outermost(used).FullName}";
            if (examples.Count < 5 && !examples.Contains(example))
                examples.Add(example);
        }
    }

    internal static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is not null)
            type = type.DeclaringType;
        return type;
    }

    private static string NamespaceOf(TypeReference type) => Outermost(type).Namespace;
}
