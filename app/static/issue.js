// Fill the amount from the chosen tier, so the money taken matches the card.
(function () {
  var product = document.getElementById("product"), amount = document.getElementById("amount");
  if (!product || !amount) return;
  product.addEventListener("change", function () {
    var option = product.selectedOptions[0];
    if (option && option.dataset.amount) amount.value = option.dataset.amount;
  });
})();
