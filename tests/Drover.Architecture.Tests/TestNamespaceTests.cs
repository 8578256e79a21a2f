using Mono.Cecil;

namespace Drover.Architecture.Tests;

/// <summary>
/// One namespace scheme in every test project, so a newcomer finds a test from the code it tests: a test namespace is
/// the namespace of the code under test plus `.Tests` (`Drover.Agent.Pods` → `Drover.Agent.Pods.Tests`), and shared
/// test fixtures live in a `.Testing` namespace (`Drover.Testing`, `Drover.ControlPlane.Testing`). The projects that
/// test no .NET namespace of their own — end-to-end clusters, install scripts, this one — name their areas under
/// their own name (`Drover.E2E.Cluster.Tests`).
/// </summary>
public sealed class TestNamespaceTests
{
    /// <summary>Test projects whose subject is not one .NET namespace: their areas sit under the project's own name.</summary>
    private static readonly HashSet<string> SelfNamed = ["Drover.E2E.Tests", "Drover.Packaging.Tests", "Drover.Architecture.Tests"];

    [Fact]
    public void TestNamespaces_AreTheTestedNamespacePlusTests()
    {
        var wrong = new List<string>();
        foreach (var assembly in TestAssemblyFiles.All())
        {
            var name = Path.GetFileNameWithoutExtension(assembly);
            var product = ProductNamespaces(Path.GetDirectoryName(assembly)!);
            using var module = ModuleDefinition.ReadModule(assembly);
            foreach (var ns in module.Types.Where(IsOwnType).Select(t => t.Namespace).Distinct(StringComparer.Ordinal))
            {
                var problem = Problem(ns, name, product);
                if (problem is not null)
                    wrong.Add($"{name}: {ns}: {problem}");
            }
        }
        Assert.True(wrong.Count == 0, "test namespaces off the scheme (tested namespace + .Tests; fixtures in .Testing):\n" + string.Join('\n', wrong));
    }

    [Theory]
    [InlineData("Drover.Agent.Pods.Tests", "Drover.Agent.Tests", null)]
    [InlineData("Drover.Agent.Tests.Pods", "Drover.Agent.Tests", "ends neither in .Tests nor in .Testing")]
    [InlineData("Drover.Agent.Nowhere.Tests", "Drover.Agent.Tests", "Drover.Agent.Nowhere is not a namespace of the code this project tests")]
    [InlineData("Drover.ControlPlane.Testing", "Drover.ControlPlane.Tests", null)]
    [InlineData("Drover.E2E.Cluster.Tests", "Drover.E2E.Tests", null)]
    [InlineData("Drover.Agent.Cluster.Tests", "Drover.E2E.Tests", "not under Drover.E2E")]
    public void Problem_Namespace_NamesWhatIsWrong(string ns, string assembly, string? expected) =>
        Assert.Equal(expected, Problem(ns, assembly, new HashSet<string>(StringComparer.Ordinal) { "Drover.Agent", "Drover.Agent.Pods", "Drover.ControlPlane" }));

    private static string? Problem(string ns, string assembly, IReadOnlySet<string> product)
    {
        if (ns == "Drover.Testing")
            return null;
        var tested = ns.EndsWith(".Tests", StringComparison.Ordinal) ? ns[..^".Tests".Length]
            : ns.EndsWith(".Testing", StringComparison.Ordinal) ? ns[..^".Testing".Length]
            : null;
        if (tested is null)
            return "ends neither in .Tests nor in .Testing";
        if (SelfNamed.Contains(assembly))
        {
            var own = assembly[..^".Tests".Length];
            return tested == own || tested.StartsWith(own + ".", StringComparison.Ordinal) ? null : $"not under {own}";
        }
        return product.Contains(tested) ? null : $"{tested} is not a namespace of the code this project tests";
    }

    /// <summary>The namespaces of the Drover assemblies a test project was built against (its output directory).</summary>
    private static HashSet<string> ProductNamespaces(string directory)
    {
        var namespaces = new HashSet<string>(StringComparer.Ordinal);
        // Libraries are Drover.*.dll; the executables' assemblies are named as their binaries (drover-agent.dll).
        foreach (var dll in Directory.GetFiles(directory, "*.dll").Where(f => Path.GetFileName(f).StartsWith("drover", StringComparison.OrdinalIgnoreCase)))
        {
            var name = Path.GetFileNameWithoutExtension(dll);
            if (name.EndsWith(".Tests", StringComparison.Ordinal) || name == "Drover.Testing")
                continue;
            using var module = ModuleDefinition.ReadModule(dll);
            foreach (var type in module.Types.Where(IsOwnType))
            {
                // A namespace exists for the scheme when it holds a type, and so do its parents.
                for (var ns = type.Namespace; ns.Length > 0; ns = ns.Contains('.', StringComparison.Ordinal) ? ns[..ns.LastIndexOf('.')] : "")
                    namespaces.Add(ns);
            }
        }
        return namespaces;
    }

    /// <summary>Types written in the project, not the compiler's, the SDK's or a source generator's.</summary>
    private static bool IsOwnType(TypeDefinition type) =>
        type.Namespace.StartsWith("Drover", StringComparison.Ordinal)
        && !type.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.CompilerGeneratedAttribute");
}
