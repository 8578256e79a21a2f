// The real entry point (join, node status, pod workers) comes with issue 3; until then the binary says so
// instead of pretending to run.
Console.Error.WriteLine("drover-agent: not implemented yet (issue 3)");
return 2;
