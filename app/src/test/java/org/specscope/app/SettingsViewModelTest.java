package org.specscope.app;

import org.junit.jupiter.api.Test;
import org.specscope.engine.moe.CoveragePolicy;
import org.specscope.engine.moe.ExpertBudget;
import org.specscope.engine.moe.SelectionPolicy;
import org.specscope.engine.session.Settings;
import org.specscope.engine.spec.TreeShape;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The live controls without a stage: every change becomes one new immutable Settings. */
class SettingsViewModelTest {

    @Test
    void budgetEqualToTheExpertCountMeansUnbudgeted() {
        SettingsViewModel vm = new SettingsViewModel();
        vm.numExpertsProperty().set(32);
        assertThat(vm.budgetProperty().get()).isEqualTo(32);
        assertThat(vm.settings().budget()).isEqualTo(ExpertBudget.UNLIMITED);
        vm.budgetProperty().set(8);
        assertThat(vm.settings().budget()).isEqualTo(ExpertBudget.fixed(8, CoveragePolicy.SUBSTITUTE));
        assertThat(vm.isUnbudgeted()).isFalse();
    }

    @Test
    void everyChangeIsPushedToTheTargetOnce() {
        SettingsViewModel vm = new SettingsViewModel();
        vm.numExpertsProperty().set(32);
        List<Settings> pushed = new ArrayList<>();
        vm.setTarget(pushed::add);
        vm.budgetProperty().set(4);
        vm.policyProperty().set(CoveragePolicy.TRUNCATE);
        vm.cascadeProperty().set(true);
        vm.temperatureProperty().set(0.7);
        vm.seedProperty().set(42);
        assertThat(pushed).hasSize(5);
        Settings last = pushed.getLast();
        assertThat(last.budget()).isEqualTo(ExpertBudget.fixed(4, CoveragePolicy.TRUNCATE));
        assertThat(last.cascade()).isTrue();
        assertThat(last.sampling().temperature()).isEqualTo(0.7);
        assertThat(last.sampling().seed()).isEqualTo(42);
        vm.budgetProperty().set(4);   // no change, nothing pushed
        assertThat(pushed).hasSize(5);
    }

    @Test
    void coverageSelectionUsesTau() {
        SettingsViewModel vm = new SettingsViewModel();
        vm.numExpertsProperty().set(32);
        vm.selectionProperty().set(SettingsViewModel.Selection.COVERAGE);
        vm.coverageTauProperty().set(0.8);
        assertThat(vm.settings().budget().selection()).isEqualTo(new SelectionPolicy.Coverage(0.8));
        vm.coverageTauProperty().set(1.0);
        assertThat(vm.settings().budget()).isEqualTo(ExpertBudget.UNLIMITED);
    }

    @Test
    void treeAndChainShapes() {
        SettingsViewModel vm = new SettingsViewModel();
        vm.chainKProperty().set(6);
        assertThat(vm.settings().tree()).isEqualTo(TreeShape.chain(6));
        vm.shapeProperty().set(SettingsViewModel.Shape.TREE);
        assertThat(vm.settings().tree()).isEqualTo(TreeShape.EAGLE_DEFAULT);
        vm.treeDepthProperty().set(3);
        vm.treeTopKProperty().set(2);
        vm.treeTotalProperty().set(8);
        assertThat(vm.settings().tree()).isEqualTo(new TreeShape(3, 2, 8));
    }

    @Test
    void anInvalidTreeKeepsTheLastValidSettingsAndSaysWhy() {
        SettingsViewModel vm = new SettingsViewModel();
        vm.shapeProperty().set(SettingsViewModel.Shape.TREE);
        Settings before = vm.settings();
        List<Settings> pushed = new ArrayList<>();
        vm.setTarget(pushed::add);
        vm.treeTotalProperty().set(1000);
        assertThat(vm.settings()).isEqualTo(before);
        assertThat(pushed).isEmpty();
        assertThat(vm.problemProperty().get()).contains("proposes at most");
        vm.treeTotalProperty().set(20);
        assertThat(vm.problemProperty().get()).isEmpty();
        assertThat(pushed).hasSize(1);
    }

    @Test
    void aSmallerModelClampsTheBudget() {
        SettingsViewModel vm = new SettingsViewModel();
        vm.numExpertsProperty().set(64);
        vm.budgetProperty().set(40);
        vm.numExpertsProperty().set(32);
        assertThat(vm.budgetProperty().get()).isEqualTo(32);
        assertThat(vm.settings().budget()).isEqualTo(ExpertBudget.UNLIMITED);
        vm.budgetProperty().set(8);
        vm.numExpertsProperty().set(16);
        assertThat(vm.budgetProperty().get()).isEqualTo(8);
    }

    @Test
    void aFixedBudgetNeverGoesBelowTheModelsTopK() {
        SettingsViewModel vm = new SettingsViewModel();
        vm.numExpertsProperty().set(32);
        vm.budgetProperty().set(2);
        vm.topKProperty().set(4);
        assertThat(vm.minBudget()).isEqualTo(4);
        assertThat(vm.budgetProperty().get()).isEqualTo(4);
        assertThat(vm.settings().budget()).isEqualTo(ExpertBudget.fixed(4, CoveragePolicy.SUBSTITUTE));
        vm.budgetProperty().set(1);   // a stale value still builds the engine's smallest budget
        assertThat(vm.settings().budget()).isEqualTo(ExpertBudget.fixed(4, CoveragePolicy.SUBSTITUTE));
    }

    @Test
    void choicesHaveReadableLabels() {
        assertThat(SettingsViewModel.Selection.FIXED.label()).isEqualTo("fixed budget B");
        assertThat(SettingsViewModel.Selection.COVERAGE.label()).isEqualTo("coverage τ");
        assertThat(SettingsViewModel.Shape.CHAIN.label()).isEqualTo("chain");
        assertThat(SettingsViewModel.Shape.TREE.label()).isEqualTo("tree");
        assertThat(SettingsViewModel.label(CoveragePolicy.SUBSTITUTE)).isEqualTo("substitute");
        assertThat(SettingsViewModel.label(CoveragePolicy.TRUNCATE)).isEqualTo("truncate");
    }
}
