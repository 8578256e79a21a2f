using System.Text;

namespace Drover.Agent.Metrics;

/// <summary>One series (or, for a histogram, one set of series) of a family.</summary>
internal interface IMetricChild
{
    void WriteTo(StringBuilder text, string name, string labels);
}
