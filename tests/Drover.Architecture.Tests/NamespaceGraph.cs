using Mono.Cecil;
using Mono.Cecil.Cil;

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
        void Use(TypeReference? reference)
        {
            foreach (var used in Flatten(reference))
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

        Use(type.BaseType);
        foreach (var i in type.Interfaces)
            Use(i.InterfaceType);
        foreach (var field in type.Fields)
            Use(field.FieldType);
        foreach (var property in type.Properties)
            Use(property.PropertyType);
        foreach (var method in type.Methods)
        {
            Use(method.ReturnType);
            foreach (var parameter in method.Parameters)
                Use(parameter.ParameterType);
            if (!method.HasBody)
                continue;
            foreach (var local in method.Body.Variables)
                Use(local.VariableType);
            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        Use(t);
                        break;
                    case MethodReference m:
                        Use(m.DeclaringType);
                        Use(m.ReturnType);
                        foreach (var p in m.Parameters)
                            Use(p.ParameterType);
                        if (m is GenericInstanceMethod g)
                            foreach (var a in g.GenericArguments)
                                Use(a);
                        break;
                    case FieldReference f:
                        Use(f.DeclaringType);
                        Use(f.FieldType);
                        break;
                }
            }
        }
    }

    /// <summary>The named types inside a reference: List&lt;Pod[]&gt; gives List and Pod.</summary>
    private static IEnumerable<TypeReference> Flatten(TypeReference? reference)
    {
        switch (reference)
        {
            case null or GenericParameter:
                yield break;
            case GenericInstanceType generic:
                foreach (var t in Flatten(generic.ElementType))
                    yield return t;
                foreach (var argument in generic.GenericArguments)
                    foreach (var t in Flatten(argument))
                        yield return t;
                yield break;
            case TypeSpecification specification:
                foreach (var t in Flatten(specification.ElementType))
                    yield return t;
                yield break;
            default:
                yield return reference;
                yield break;
        }
    }

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is not null)
            type = type.DeclaringType;
        return type;
    }

    private static string NamespaceOf(TypeReference type) => Outermost(type).Namespace;
}
