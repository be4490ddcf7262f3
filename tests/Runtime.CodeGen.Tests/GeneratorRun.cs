using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Optimus.Runtime.CodeGen.Tests;

/// <summary>
/// Compiles sources with the grain code generator, against the framework and the runtime, the way a project here is
/// built: what it wrote, what it reported, and what the compiler then says of the whole.
/// </summary>
internal sealed class GeneratorRun
{
    private static readonly ImmutableArray<MetadataReference> Framework = [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p)),
        MetadataReference.CreateFromFile(typeof(IGrain).Assembly.Location)];

    private GeneratorRun(Compilation output, ImmutableArray<Diagnostic> generatorDiagnostics)
    {
        Output = output;
        GeneratorDiagnostics = generatorDiagnostics;
    }

    public Compilation Output { get; }

    /// <summary>What the generator reported.</summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics { get; }

    /// <summary>The compiler's errors over the sources and what the generator wrote.</summary>
    public IEnumerable<Diagnostic> CompileErrors => Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>The generated files' text, by the interface's generated class name.</summary>
    public IReadOnlyDictionary<string, string> Sources =>
        Output.SyntaxTrees.Where(t => t.FilePath.EndsWith("_GrainCode.g.cs", StringComparison.Ordinal))
            .ToDictionary(t => Path.GetFileNameWithoutExtension(Path.GetFileNameWithoutExtension(t.FilePath)), t => t.ToString());

    public static GeneratorRun Of(string source, params MetadataReference[] references)
    {
        var compilation = CSharpCompilation.Create(
            "Sample" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            [.. Framework, .. references],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        CSharpGeneratorDriver.Create(new GrainCodeGenerator())
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new GeneratorRun(output, diagnostics);
    }

    /// <summary>The compiled output as a reference for another compilation; fails the test if it does not compile.</summary>
    public MetadataReference AsReference()
    {
        using var image = new MemoryStream();
        var emitted = Output.Emit(image);
        Assert.True(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics));
        return MetadataReference.CreateFromImage(image.ToArray());
    }
}
