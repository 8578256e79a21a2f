using Mono.Cecil;

namespace Drover.Architecture.Tests;

/// <summary>
/// `./build.sh test --fast` runs every test except those in the Process category, so that category must hold every
/// test class that starts a process (droverd, an agent, containerd, a script, kubectl…). Read from the compiled test
/// assemblies: a class that reaches System.Diagnostics.Process — itself, through its fixtures or through the shared
/// harness in Drover.Testing — without [Trait("Category", "Process")] fails here, naming the path.
/// </summary>
public sealed class TestCategoryTests
{
    private const string Category = "Category";
    private const string ProcessCategory = "Process";

    [Fact]
    public void TestClassesThatStartProcesses_CarryTheProcessCategory()
    {
        var missing = new List<string>();
        foreach (var assembly in TestAssemblyFiles.All())
        {
            // The shared harness (Drover.Testing) sits beside the assemblies that use it.
            var harness = Path.Combine(Path.GetDirectoryName(assembly)!, "Drover.Testing.dll");
            using var testing = File.Exists(harness) ? ModuleDefinition.ReadModule(harness) : null;
            using var module = ModuleDefinition.ReadModule(assembly);
            var reasons = ProcessReasons(testing is null ? [module] : [testing, module]);
            foreach (var type in module.Types.Where(IsTestClass))
            {
                if (reasons.TryGetValue(type.FullName, out var why) && !HasProcessCategory(type))
                    missing.Add($"{type.FullName}: {why}");
            }
        }
        Assert.True(missing.Count == 0,
            $"test classes that start processes need [Trait(\"Category\", \"Process\")] (else `build.sh test --fast` runs them):\n{string.Join('\n', missing)}");
    }

    [Fact]
    public void TestAssemblies_AreFound()
    {
        // Not vacuous: the scan above reads every test project's output.
        Assert.True(TestAssemblyFiles.All().Count >= 8, string.Join(", ", TestAssemblyFiles.All()));
    }

    /// <summary>Outer type name → why it reaches a process ("uses X, which uses System.Diagnostics.Process").</summary>
    private static Dictionary<string, string> ProcessReasons(IReadOnlyList<ModuleDefinition> modules)
    {
        var uses = new Dictionary<string, HashSet<string>>();
        foreach (var module in modules)
        {
            foreach (var type in module.GetTypes())
            {
                var owner = NamespaceGraph.Outermost(type).FullName;
                if (!uses.TryGetValue(owner, out var set))
                    uses[owner] = set = [];
                foreach (var used in TypeUses.Of(type))
                    set.Add(NamespaceGraph.Outermost(used).FullName);
            }
        }

        var reasons = new Dictionary<string, string>();
        foreach (var (owner, set) in uses)
        {
            if (set.Contains("System.Diagnostics.Process") || set.Contains("System.Diagnostics.ProcessStartInfo"))
                reasons[owner] = "uses System.Diagnostics.Process";
        }
        // Fixed point: a type that uses a process-reaching type of these modules reaches one too.
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var (owner, set) in uses)
            {
                if (reasons.ContainsKey(owner))
                    continue;
                var via = set.FirstOrDefault(reasons.ContainsKey);
                if (via is null)
                    continue;
                reasons[owner] = $"uses {via}, which {reasons[via]}";
                changed = true;
            }
        }
        return reasons;
    }

    private static bool IsTestClass(TypeDefinition type) =>
        type.IsClass && !type.IsAbstract && type.Methods.Any(m => m.CustomAttributes.Any(a =>
            a.AttributeType.FullName is "Xunit.FactAttribute" or "Xunit.TheoryAttribute"
            || a.AttributeType.Resolve()?.BaseType?.FullName is "Xunit.FactAttribute" or "Xunit.TheoryAttribute"));

    private static bool HasProcessCategory(TypeDefinition type) =>
        type.CustomAttributes.Any(a => a.AttributeType.FullName == "Xunit.TraitAttribute"
            && a.ConstructorArguments.Count == 2
            && (string)a.ConstructorArguments[0].Value == Category
            && (string)a.ConstructorArguments[1].Value == ProcessCategory);
}
