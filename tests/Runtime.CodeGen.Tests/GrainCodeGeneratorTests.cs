using Microsoft.CodeAnalysis;
using Xunit;

namespace Optimus.Runtime.CodeGen.Tests;

/// <summary>The grain code generator: what it writes for the shapes grain interfaces take, and what it refuses.</summary>
public sealed class GrainCodeGeneratorTests
{
    [Fact]
    public void AGrainInterface_GetsCodeThatCompiles_ForEveryReturnShapeAndAnnotatedTypes()
    {
        var run = GeneratorRun.Of("""
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Optimus.Runtime;
            namespace Sample;
            public interface IShapes : IGrainWithStringKey
            {
                Task Plain(string? maybe, int count);
                Task<IReadOnlyList<string?>> Listed(IReadOnlyList<int?> keys);
                ValueTask Valued();
                ValueTask<(int Count, string Name)> Tupled(int @event);
                [OneWay] Task Fire(byte[] data);
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileErrors);
        Assert.Contains("typeof(global::Sample.IShapes), typeof(global::Optimus.Generated.Sample_IShapes_GrainCode)", run.Sources["Sample_IShapes_GrainCode"], StringComparison.Ordinal);
    }

    [Fact]
    public void SlotsFollowNamesAndParameterTypes_NotTheOrderOfDeclaration()
    {
        var run = GeneratorRun.Of("""
            using System.Threading.Tasks;
            using Optimus.Runtime;
            namespace Sample;
            public interface IOrdered : IGrainWithStringKey
            {
                Task Zulu();
                Task Alpha(string text);
                Task Alpha(int number);
            }
            """);

        var source = run.Sources["Sample_IOrdered_GrainCode"];
        Assert.Empty(run.CompileErrors);
        Assert.Contains("IssueTask(typeof(global::Sample.IOrdered), 0, new object?[] { @number })", source, StringComparison.Ordinal);
        Assert.Contains("IssueTask(typeof(global::Sample.IOrdered), 1, new object?[] { @text })", source, StringComparison.Ordinal);
        Assert.Contains("IssueTask(typeof(global::Sample.IOrdered), 2, global::System.Array.Empty<object?>())", source, StringComparison.Ordinal);
    }

    [Fact]
    public void InterfacesWhoseNamesDifferOnlyInDotsAndUnderscores_GetClassesOfTheirOwn()
    {
        var run = GeneratorRun.Of("""
            using System.Threading.Tasks;
            using Optimus.Runtime;
            namespace A_B { public interface IX : IGrainWithStringKey { Task Go(); } }
            namespace A { public interface B_IX : IGrainWithStringKey { Task Go(); } }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileErrors);
        Assert.Equal(2, run.Sources.Count);
    }

    [Fact]
    public void AProxy_CallsTheMethodsOfAnInterfaceFromAnotherAssembly_ByThatInterfacesSlots()
    {
        var parent = GeneratorRun.Of("""
            using System.Threading.Tasks;
            using Optimus.Runtime;
            namespace Library;
            public interface IBase : IGrainWithStringKey
            {
                Task<int> Second(int x);
                Task<int> First(string y);
            }
            """);
        var child = GeneratorRun.Of(
            """
            using System.Threading.Tasks;
            namespace App;
            public interface IDerived : Library.IBase
            {
                Task Own();
            }
            """,
            parent.AsReference());

        var source = child.Sources["App_IDerived_GrainCode"];
        Assert.Empty(child.GeneratorDiagnostics);
        Assert.Empty(child.CompileErrors);
        Assert.Contains("typeof(global::Library.IBase),", source, StringComparison.Ordinal); // a parent, to register
        Assert.Contains("IssueTaskOf<int>(typeof(global::Library.IBase), 0, new object?[] { @y })", source, StringComparison.Ordinal);
        Assert.Contains("IssueTaskOf<int>(typeof(global::Library.IBase), 1, new object?[] { @x })", source, StringComparison.Ordinal);
        Assert.Contains("IssueTask(typeof(global::App.IDerived), 0, global::System.Array.Empty<object?>())", source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OPTG002", "public interface IBad<T> : IGrainWithStringKey { Task Go(T value); }")]
    [InlineData("OPTG003", "public interface IBad : IGrainWithStringKey { int Count { get; } }")]
    [InlineData("OPTG004", "public interface IBad : IGrainWithStringKey { Task Go<T>(T value); }")]
    [InlineData("OPTG005", "public interface IBad : IGrainWithStringKey { Task Go(ref int value); }")]
    [InlineData("OPTG006", "public interface IBad : IGrainWithStringKey { int Go(); }")]
    [InlineData("OPTG007", "public interface IBad : IGrainWithStringKey { [OneWay] Task<int> Go(); }")]
    [InlineData("OPTG008", "public interface IBad : IGrainWithStringKey { Task Go() => Task.CompletedTask; }")]
    [InlineData("OPTG009", "public interface IBad : IGrainWithStringKey, System.IDisposable { Task Go(); }")]
    [InlineData("OPTG001", "public class Outer { private interface IBad : IGrainWithStringKey { Task Go(); } }")]
    [InlineData("OPTG001", "file interface IBad : IGrainWithStringKey { Task Go(); }")]
    [InlineData("OPTG011", "public interface IBad : IGrainWithStringKey { internal Task Go(); }")]
    [InlineData("OPTG011", "public interface IBad : IGrainWithStringKey { static abstract Task Go(); }")]
    public void AnInterfaceTheRuntimeCouldNotCall_IsAnErrorAtCompileTime_AndGetsNoCode(string id, string declaration)
    {
        var run = GeneratorRun.Of($"using System.Threading.Tasks; using Optimus.Runtime; namespace Sample; {declaration}");

        var reported = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, reported.Id);
        Assert.Equal(DiagnosticSeverity.Error, reported.Severity);
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void ConcreteGrainClasses_AreListedForAddGrains_AbstractAndGenericOnesAreNot()
    {
        var run = GeneratorRun.Of("""
            using Optimus.Runtime;
            namespace Sample;
            public abstract class BaseGrain : Grain;
            public sealed class DerivedGrain : BaseGrain;
            internal sealed class DirectGrain : Grain;
            public sealed class OpenGrain<T> : Grain;
            public sealed class NotAGrain;
            public static class Outer { public sealed class NestedGrain : Grain; }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileErrors);
        var listed = run.Output.SyntaxTrees.Single(t => t.FilePath.EndsWith("GrainClasses.g.cs", StringComparison.Ordinal)).ToString();
        Assert.Equal(
            ["global::Sample.DerivedGrain", "global::Sample.DirectGrain", "global::Sample.Outer.NestedGrain"],
            listed.Split('\n').Where(l => l.StartsWith("[assembly:", StringComparison.Ordinal)).Select(l => l.Split("typeof(")[1].TrimEnd(')', ']')));
    }

    [Fact]
    public void APrivateGrainClass_IsAnErrorAtCompileTime()
    {
        var run = GeneratorRun.Of("using Optimus.Runtime; namespace Sample; public class Outer { private sealed class HiddenGrain : Grain; }");

        Assert.Equal("OPTG010", Assert.Single(run.GeneratorDiagnostics).Id);
    }

    [Fact]
    public void AnInterfaceOutsideTheGrainWorld_GetsNothing()
    {
        var run = GeneratorRun.Of("namespace Sample; public interface IPlain { int Count { get; } }");

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.Sources);
    }
}
