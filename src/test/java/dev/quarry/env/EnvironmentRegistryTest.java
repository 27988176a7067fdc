package dev.quarry.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnvironmentRegistryTest {

  @Test
  void findsEnvironmentsByIdAndNamesTheKnownOnesOtherwise() {
    Gsm8kEnvironment gsm8k = new Gsm8kEnvironment(TaskSource.of(List.of(new Gsm8kItem("q", "#### 1"))), DatasetSplits.Split.TRAIN);
    EnvironmentRegistry registry = EnvironmentRegistry.of(new SatEnvironment(), gsm8k);
    assertThat(registry.get("sat")).isInstanceOf(SatEnvironment.class);
    assertThat(registry.find("math")).isEmpty();
    assertThatThrownBy(() -> registry.get("mbpp")).hasMessageContaining("mbpp").hasMessageContaining("sat");
    assertThat(registry.with(new SatEnvironment()).ids()).containsExactly("sat", "gsm8k");
    assertThatThrownBy(() -> EnvironmentRegistry.of(new SatEnvironment(), new SatEnvironment())).hasMessageContaining("sat");
  }

  @Test
  void splitNamesAreTheReferences() {
    assertThat(DatasetSplits.Split.fromId("val")).isEqualTo(DatasetSplits.Split.VAL);
    assertThatThrownBy(() -> DatasetSplits.Split.fromId("validation")).hasMessageContaining("'val'");
    assertThat(DatasetSplits.indexFromSeed(0xFFFFFFFFL, 7223)).isEqualTo(7222);
    assertThat(DatasetSplits.indexFromSeed(1L << 32, 7223)).isZero();
  }
}
