using System.Text;

namespace Drover.Agent.Metrics;

/// <summary>A metric family as the registry sees it: something that writes its HELP, TYPE and samples.</summary>
internal interface IMetricFamily
{
    string Name { get; }

    void WriteTo(StringBuilder text);
}
