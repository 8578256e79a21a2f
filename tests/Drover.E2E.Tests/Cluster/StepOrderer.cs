using Xunit.Abstractions;
using Xunit.Sdk;

using Drover.Testing;

namespace Drover.E2E.Cluster.Tests;

/// <summary>Runs a class's facts in the order of their <see cref="StepAttribute"/>, lowest first.</summary>
public sealed class StepOrderer : ITestCaseOrderer
{
    public const string TypeName = "Drover.E2E.Cluster.Tests.StepOrderer";
    public const string AssemblyName = "Drover.E2E.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases.OrderBy(t => Step(t)).ThenBy(t => t.TestMethod.Method.Name, StringComparer.Ordinal);

    private static int Step(ITestCase testCase) =>
        testCase.TestMethod.Method.GetCustomAttributes(typeof(StepAttribute).AssemblyQualifiedName!).FirstOrDefault()?.GetConstructorArguments().OfType<int>().FirstOrDefault()
        ?? int.MaxValue;
}

/// <summary>
/// The place of a fact in a scenario whose steps share one expensive cluster: a later step may leave the
/// cluster in a state (a node killed and brought back) that an earlier one must not see.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StepAttribute(int number) : Attribute
{
    public int Number { get; } = number;
}
